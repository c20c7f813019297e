package io.authtier.runtime.login;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An HTTP answer of the login routes, independent of the HTTP server: the handler writes it, adding
 * {@code Cache-Control: no-store} to every one (they carry cookies, states or identities).
 *
 * @param status      the status code
 * @param location    the {@code Location} of a redirect
 * @param setCookies  {@code Set-Cookie} header values
 * @param contentType the body's type
 * @param body        a short text, JSON or HTML body; never a token, cookie or secret
 */
public record WebAnswer(int status, Optional<String> location, List<String> setCookies, String contentType, String body) {

    /** The type of every page these routes answer with. */
    public static final String HTML = "text/html; charset=utf-8";

    public WebAnswer {
        Objects.requireNonNull(location, "location");
        setCookies = List.copyOf(setCookies);
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
    }

    static WebAnswer redirect(String location, List<String> setCookies) {
        return new WebAnswer(302, Optional.of(location), setCookies, "text/plain; charset=utf-8", "");
    }

    /** A short plain-text answer (a newline is added). */
    public static WebAnswer text(int status, String body) {
        return new WebAnswer(status, Optional.empty(), List.of(), "text/plain; charset=utf-8", body + "\n");
    }

    /** A small HTML page; the handler adds the headers that keep it from being framed. */
    public static WebAnswer html(int status, String body) {
        return new WebAnswer(status, Optional.empty(), List.of(), HTML, body);
    }

    /** Whether this answer is a page (the handler then forbids framing it). */
    public boolean isHtml() {
        return contentType.equals(HTML);
    }

    public static WebAnswer json(int status, String body, List<String> setCookies) {
        return new WebAnswer(status, Optional.empty(), setCookies, "application/json", body);
    }
}
