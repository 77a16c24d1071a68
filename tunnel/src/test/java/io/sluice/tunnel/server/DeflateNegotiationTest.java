package io.sluice.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.tunnel.frame.DeflateAgreement;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 7692 §7.1 as Sluice applies it: the first acceptable offer wins; what cannot be honoured is declined. */
class DeflateNegotiationTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "none", textBlock = """
            permessage-deflate; client_max_window_bits                      | permessage-deflate
            permessage-deflate                                              | permessage-deflate
            Permessage-Deflate                                              | permessage-deflate
            permessage-deflate;client_max_window_bits, deflate-frame        | permessage-deflate
            x-webkit-deflate-frame, permessage-deflate                      | permessage-deflate
            permessage-deflate; server_no_context_takeover | permessage-deflate; server_no_context_takeover
            permessage-deflate; client_no_context_takeover | permessage-deflate; client_no_context_takeover
            permessage-deflate; server_max_window_bits=15 | permessage-deflate; server_max_window_bits=15
            permessage-deflate; server_max_window_bits="15" | permessage-deflate; server_max_window_bits=15
            permessage-deflate; client_max_window_bits=9                    | permessage-deflate
            permessage-deflate; server_max_window_bits=10, permessage-deflate | permessage-deflate
            permessage-deflate; server_max_window_bits=10                   | none
            permessage-deflate; server_max_window_bits                      | none
            permessage-deflate; server_max_window_bits=08                   | none
            permessage-deflate; client_max_window_bits=7                    | none
            permessage-deflate; client_max_window_bits=16                   | none
            permessage-deflate; server_no_context_takeover=1                | none
            permessage-deflate; server_no_context_takeover; server_no_context_takeover | none
            permessage-deflate; mystery                                     | none
            deflate-frame                                                   | none
            permessage-deflate; client_max_window_bits="10                  | none
            ;;,                                                             | none
            """)
    void answersAnOffer(String offer, String response) {
        DeflateAgreement agreed = DeflateNegotiation.accept(List.of(offer));
        assertThat(agreed == null ? null : agreed.responseHeader()).isEqualTo(response);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            permessage-deflate; server_max_window_bits=9 | permessage-deflate; client_no_context_takeover
            """)
    void looksThroughRepeatedHeaders(String first, String second) {
        assertThat(DeflateNegotiation.accept(List.of(first, second)).responseHeader())
                .isEqualTo("permessage-deflate; client_no_context_takeover");
    }
}
