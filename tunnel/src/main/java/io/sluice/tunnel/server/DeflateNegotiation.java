package io.sluice.tunnel.server;

import io.sluice.tunnel.frame.DeflateAgreement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Chooses permessage-deflate parameters from a client's {@code Sec-WebSocket-Extensions} offers (RFC 7692 §7.1): the
 * first acceptable permessage-deflate offer wins, other extensions are ignored. An offer is declined when a parameter
 * is unknown, repeated or has a bad value, and when it limits the server's window below 15 bits: {@code
 * java.util.zip.Deflater} always uses a 15-bit window, so such a limit could not be honoured. A client's
 * {@code client_max_window_bits} needs no answer: the inflater reads any window. A header that cannot be parsed
 * declines everything; the handshake itself still succeeds, uncompressed. Stateless.
 */
final class DeflateNegotiation {
    private static final String SERVER_NO_CONTEXT_TAKEOVER = "server_no_context_takeover";
    private static final String CLIENT_NO_CONTEXT_TAKEOVER = "client_no_context_takeover";
    private static final String SERVER_MAX_WINDOW_BITS = "server_max_window_bits";
    private static final String CLIENT_MAX_WINDOW_BITS = "client_max_window_bits";

    private DeflateNegotiation() {
    }

    /** The agreement for the first acceptable offer in the header values, or null for none. */
    static DeflateAgreement accept(List<String> headerValues) {
        for (String value : headerValues) {
            List<List<String[]>> offers = parse(value);
            if (offers == null) {
                return null;
            }
            for (List<String[]> offer : offers) {
                DeflateAgreement agreed = acceptOne(offer);
                if (agreed != null) {
                    return agreed;
                }
            }
        }
        return null;
    }

    /** One offer: its name, then its parameters, each {name, value or null}. */
    private static DeflateAgreement acceptOne(List<String[]> offer) {
        if (!offer.get(0)[0].equalsIgnoreCase(DeflateAgreement.EXTENSION)) {
            return null;
        }
        boolean serverNoContext = false;
        boolean clientNoContext = false;
        boolean serverWindow15 = false;
        Set<String> seen = new HashSet<>();
        for (String[] param : offer.subList(1, offer.size())) {
            String name = param[0].toLowerCase(Locale.ROOT);
            String value = param[1];
            if (!seen.add(name)) {
                return null;
            }
            switch (name) {
                case SERVER_NO_CONTEXT_TAKEOVER -> {
                    if (value != null) {
                        return null;
                    }
                    serverNoContext = true;
                }
                case CLIENT_NO_CONTEXT_TAKEOVER -> {
                    if (value != null) {
                        return null;
                    }
                    clientNoContext = true;
                }
                case SERVER_MAX_WINDOW_BITS -> {
                    if (windowBits(value) != 15) {
                        return null;
                    }
                    serverWindow15 = true;
                }
                case CLIENT_MAX_WINDOW_BITS -> {
                    if (value != null && windowBits(value) < 0) {
                        return null;
                    }
                }
                default -> {
                    return null;
                }
            }
        }
        return new DeflateAgreement(serverNoContext, clientNoContext, serverWindow15);
    }

    /** 8..15 as RFC 7692 §7.1.2 writes it (no leading zero), else -1. */
    private static int windowBits(String value) {
        if (value == null || !value.matches("[1-9][0-9]?")) {
            return -1;
        }
        int bits = Integer.parseInt(value);
        return bits >= 8 && bits <= 15 ? bits : -1;
    }

    /**
     * RFC 6455 §9.1: {@code extension *( ";" param [ "=" ( token | quoted-string ) ] )}, comma-separated. Returns
     * the offers, or null when the value is malformed.
     */
    static List<List<String[]>> parse(String header) {
        List<List<String[]>> offers = new ArrayList<>();
        List<String[]> offer = new ArrayList<>();
        StringBuilder name = new StringBuilder();
        StringBuilder value = null;
        boolean quoted = false;
        for (int i = 0; i <= header.length(); i++) {
            char c = i < header.length() ? header.charAt(i) : ',';
            if (quoted) {
                if (c == '"') {
                    quoted = false;
                } else if (c == '\\' && i + 1 < header.length()) {
                    value.append(header.charAt(++i));
                } else if (i == header.length()) {
                    return null;
                } else {
                    value.append(c);
                }
            } else if (c == ',' || c == ';') {
                String n = name.toString().trim();
                String v = value == null ? null : value.toString().trim();
                if (n.isEmpty() || v != null && v.isEmpty() || !isToken(n) || v != null && !isToken(v)) {
                    if (c == ',' && n.isEmpty() && v == null && offer.isEmpty()) {
                        name.setLength(0);
                        continue; // an empty list element, which RFC 7230 §7 allows
                    }
                    return null;
                }
                offer.add(new String[] {n, v});
                name.setLength(0);
                value = null;
                if (c == ',') {
                    offers.add(offer);
                    offer = new ArrayList<>();
                }
            } else if (c == '=' && value == null && !offer.isEmpty()) {
                value = new StringBuilder();
            } else if (c == '"' && value != null && value.toString().isBlank()) {
                quoted = true;
                value.setLength(0);
            } else {
                (value == null ? name : value).append(c);
            }
        }
        return offers;
    }

    private static boolean isToken(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c >= 0x7F || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }
}
