package io.authtier.runtime.login;

import java.util.List;
import java.util.Optional;

/**
 * The callback's answer after a login when the session cookie is {@code SameSite=Strict}: a page that sends the
 * browser on to the return target itself ({@code <meta http-equiv="refresh">}, and a link), in place of a 302.
 *
 * <p>Why: the callback is reached by a navigation that began on the IdP's site, and a browser counts a redirect
 * chain as one navigation, so a 302 to the return target is still cross-site there and a {@code Strict} cookie is
 * not sent with it. {@code /auth} would answer 401, and with {@code redirectToLogin} the browser would go round
 * the IdP (its single sign-on answering at once) until it gave up, leaving a session behind at each turn. A
 * navigation started by this page is same-site, and carries the cookie. {@code Lax} and {@code None} cookies
 * travel with the 302, which stays their answer.
 */
final class ReturnPage {

    private ReturnPage() {
    }

    /**
     * @param returnTo   the login's checked return target ({@link PendingLogin#returnTo()})
     * @param setCookies the session cookie and the cleared binding
     */
    static WebAnswer answer(String returnTo, List<String> setCookies) {
        String target = LoginAgainPage.escape(returnTo);
        return new WebAnswer(200, Optional.empty(), setCookies, WebAnswer.HTML, """
                <!DOCTYPE html>
                <html lang="en">
                <head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=%s"><title>Signed in</title></head>
                <body>
                <p><a href="%s">Continue</a></p>
                </body>
                </html>
                """.formatted(target, target));
    }
}
