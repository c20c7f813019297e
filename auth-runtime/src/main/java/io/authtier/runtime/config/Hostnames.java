package io.authtier.runtime.config;

import java.util.regex.Pattern;

/** DNS host names (RFC 1123 labels), as written in endpoints and redirect domains. */
final class Hostnames {

    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?");

    private Hostnames() {
    }

    /** Dot-separated labels of letters, digits and inner hyphens, 253 characters at most. */
    static boolean isHostname(String text) {
        if (text.isEmpty() || text.length() > 253 || text.startsWith(".") || text.endsWith(".")) {
            return false;
        }
        for (String label : text.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }
}
