package io.authtier.runtime.http;

import io.authtier.runtime.login.WebAnswer;
import java.util.List;

/** The few answers the HTTP layer gives itself on the browser routes. */
final class WebAnswerBodies {

    private WebAnswerBodies() {
    }

    static WebAnswer badForm() {
        return WebAnswer.json(400, "{\"error\":\"invalid_request\",\"error_description\":\"a form with logout_token is required\"}",
                List.of());
    }

    static WebAnswer tooManyLogins() {
        return WebAnswer.text(429, "too many logins started from here; wait a minute and try again");
    }

    static WebAnswer crossSiteSignOut() {
        return WebAnswer.text(403, "sign-out must be started from this site");
    }

    /**
     * 403 for a sign-out whose origin nothing tells (a browser without {@code Sec-Fetch-Site} followed a
     * link, or a page hid where it came from): a button posts it again from this page, so with
     * {@code Origin}. Relative {@code action}: it stays under whatever prefix routes {@code /oauth2/} here,
     * and drops {@code rd}, which is not echoed into a page.
     */
    static WebAnswer signOutPage() {
        return WebAnswer.html(403, """
                <!DOCTYPE html>
                <html lang="en">
                <head><meta charset="utf-8"><title>Sign out</title></head>
                <body>
                <p>You are still signed in: your browser did not say which site sent you here.</p>
                <form method="post" action="sign_out"><button type="submit">Sign out</button></form>
                </body>
                </html>
                """);
    }

    static WebAnswer unavailable() {
        return WebAnswer.text(503, "unavailable right now; try again shortly");
    }
}
