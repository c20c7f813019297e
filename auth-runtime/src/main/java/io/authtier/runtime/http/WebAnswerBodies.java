package io.authtier.runtime.http;

import io.authtier.runtime.login.WebAnswer;
import java.util.List;
import java.util.Optional;

/** The few answers the HTTP layer gives itself on the browser routes. */
final class WebAnswerBodies {

    private WebAnswerBodies() {
    }

    static WebAnswer noHost() {
        return text(400, "the request names no usable host; set sessions.login.redirectUrl or send a Host header");
    }

    static WebAnswer badForm() {
        return new WebAnswer(400, Optional.empty(), List.of(), "application/json",
                "{\"error\":\"invalid_request\",\"error_description\":\"a form with logout_token is required\"}");
    }

    static WebAnswer tooManyLogins() {
        return text(429, "too many logins started from here; wait a minute and try again");
    }

    static WebAnswer crossSiteSignOut() {
        return text(403, "sign-out must be started from this site");
    }

    static WebAnswer unavailable() {
        return text(503, "unavailable right now; try again shortly");
    }

    private static WebAnswer text(int status, String body) {
        return new WebAnswer(status, Optional.empty(), List.of(), "text/plain; charset=utf-8", body + "\n");
    }
}
