package io.authtier.runtime.login;

import java.util.List;
import java.util.Optional;

/** Reads one cookie from {@code Cookie} request headers (RFC 6265 section 5.4: {@code name=value; name=value}). */
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
                int equals = header.indexOf('=', at);
                if (equals > 0 && equals < end && header.substring(at, equals).strip().equals(name)) {
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
