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

    static WebAnswer unavailable() {
        return WebAnswer.text(503, "unavailable right now; try again shortly");
    }
}
