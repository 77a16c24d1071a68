package io.sluice.spawner.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BackendAddressTest {

    @Test
    void workerAddressesFollowLighttpdNaming() {
        assertThat(new BackendAddress.UnixPath(Path.of("/run/s/echo.sock")).forWorker(2))
                .isEqualTo(new BackendAddress.UnixPath(Path.of("/run/s/echo.sock-2")));
        assertThat(new BackendAddress.Tcp("127.0.0.1", 9000).forWorker(3))
                .isEqualTo(new BackendAddress.Tcp("127.0.0.1", 9003));
    }

    @Test
    void describesIpv6WithBrackets() {
        assertThat(new BackendAddress.Tcp("::1", 80).describe()).isEqualTo("[::1]:80");
    }

    @Test
    void rejectsPortOutOfRange() {
        assertThatThrownBy(() -> new BackendAddress.Tcp("127.0.0.1", 0)).hasMessageContaining("1..65535");
    }
}
