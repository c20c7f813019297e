package io.authtier.runtime.login;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The callback's 401 when the IdP ended the login meanwhile ({@code idp_session_ended}): a page whose link
 * starts the login again with {@code prompt=login}.
 *
 * <p>Why {@code prompt=login}: a back-channel logout by {@code sub} alone refuses, for 11 minutes, every login
 * whose user authenticated at or before it. If the IdP still holds a single sign-on session of that user (Keycloak
 * sends such logouts when one browser logs out while another's SSO session lives), a plain login again goes
 * through that session and carries the same old {@code auth_time} (OIDC Core keeps it), so it would be refused
 * each time. {@code prompt=login} makes the IdP authenticate the user anew, with a fresh {@code auth_time}.
 *
 * <p>The user clicks: no automatic redirect, so an IdP that ignores {@code prompt} cannot make a loop of it.
 * The link is relative ({@code start}, beside {@code callback}): it stays under whatever prefix routes
 * {@code /oauth2/} here. It carries the login's return target, checked against the allowed domains at its
 * start; still, the target is %-encoded for the query and the whole {@code href} escaped for the attribute.
 */
final class LoginAgainPage {

    private LoginAgainPage() {
    }

    /** @param returnTo the refused login's checked return target ({@link PendingLogin#returnTo()}) */
    static WebAnswer answer(String returnTo) {
        return WebAnswer.html(401, """
                <!DOCTYPE html>
                <html lang="en">
                <head><meta charset="utf-8"><title>Log in again</title></head>
                <body>
                <p>The identity provider ended this login meanwhile.</p>
                <p><a href="%s">Log in again</a></p>
                </body>
                </html>
                """.formatted(escape(href(returnTo))));
    }

    /** The link, unescaped: {@code prompt} first, since a query that starts with {@code rd=} is all target. */
    static String href(String returnTo) {
        return "start?prompt=" + LoginFlow.PROMPT_LOGIN + "&rd=" + URLEncoder.encode(returnTo, StandardCharsets.UTF_8);
    }

    /** {@code value} made safe inside a double-quoted HTML attribute (and in text). */
    static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
