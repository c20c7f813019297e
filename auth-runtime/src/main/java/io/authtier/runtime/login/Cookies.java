package io.authtier.runtime.login;

import java.util.List;
import java.util.Optional;

/**
 * Reads one cookie from {@code Cookie} request headers (RFC 6265 section 5.4: {@code name=value; name=value}), in
 * one pass over them: the headers are the client's to write.
 */
public final class Cookies {

    private Cookies() {
    }

    /** The value of the first cookie called {@code name}, if any. */
    public static Optional<String> value(List<String> cookieHeaders, String name) {
        for (String header : cookieHeaders) {
            int at = 0;
            while (at < header.length()) {
                int end = header.indexOf(';', at);
                if (end < 0) {
                    end = header.length();
                }
                // Within this pair only: searched to the header's end, a header of pairs without '=' (a client
                // writes up to 16 KiB of "a;a;a;...") cost a pass over the rest of it per pair.
                int equals = header.indexOf('=', at, end);
                if (equals >= 0 && header.substring(at, equals).strip().equals(name)) {
                    String value = header.substring(equals + 1, end).strip();
                    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                        value = value.substring(1, value.length() - 1);
                    }
                    return Optional.of(value);
                }
                at = end + 1;
            }
        }
        return Optional.empty();
    }
}
