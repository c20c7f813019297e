package io.authtier.runtime.testsupport;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.Route;
import okhttp3.Headers;

/**
 * A route for mock-oauth2-server that, when armed, answers the next refresh-token request (or the next
 * code exchange) at the token endpoint with a given status and body (an IdP that revoked the refresh token,
 * one that fails, or one whose new tokens say something else), once.
 * Every other request, and every request while disarmed, goes to the server's own routes.
 */
public final class TokenEndpointFaults implements Route {

    private record Fault(String grantType, int status, String body, Runnable first) {
    }

    private final AtomicReference<Fault> next = new AtomicReference<>();
    private final AtomicReference<Runnable> beforeNextCode = new AtomicReference<>();
    private final AtomicInteger refreshRequests = new AtomicInteger();

    /** The next refresh is answered with {@code status} and the JSON {@code body}. */
    public void failNextRefresh(int status, String body) {
        answerNextRefresh(status, body);
    }

    /** The next refresh is answered with {@code status} and the JSON {@code body}, e.g. tokens with other claims. */
    public void answerNextRefresh(int status, String body) {
        answerNextRefresh(status, body, () -> { });
    }

    /** As {@link #answerNextRefresh(int, String)}, running {@code first} before answering (e.g. to break Redis meanwhile). */
    public void answerNextRefresh(int status, String body, Runnable first) {
        next.set(new Fault("refresh_token", status, body, first));
    }

    /** The next code exchange (a login's callback) is answered with {@code status} and the JSON {@code body}. */
    public void answerNextCode(int status, String body) {
        next.set(new Fault("authorization_code", status, body, () -> { }));
    }

    /**
     * Runs {@code action} when the next code exchange reaches the token endpoint, before the server's own route
     * answers it (e.g. a logout at the IdP while a login's callback waits for its tokens).
     */
    public void beforeNextCode(Runnable action) {
        beforeNextCode.set(action);
    }

    /** How many refresh-token requests reached the token endpoint, answered by a fault or by the server. */
    public int refreshRequests() {
        return refreshRequests.get();
    }

    @Override
    public boolean match(OAuth2HttpRequest request) {
        if (isTokenRequest(request, "refresh_token")) {
            refreshRequests.incrementAndGet();
        }
        if (isTokenRequest(request, "authorization_code")) {
            Runnable action = beforeNextCode.getAndSet(null);
            if (action != null) {
                action.run();
            }
        }
        Fault fault = next.get();
        return fault != null && "POST".equals(request.getMethod()) && request.getUrl().encodedPath().endsWith("/token")
                && request.getBody() != null && request.getBody().contains("grant_type=" + fault.grantType());
    }

    private static boolean isTokenRequest(OAuth2HttpRequest request, String grantType) {
        return "POST".equals(request.getMethod()) && request.getUrl().encodedPath().endsWith("/token")
                && request.getBody() != null && request.getBody().contains("grant_type=" + grantType);
    }

    @Override
    public OAuth2HttpResponse invoke(OAuth2HttpRequest request) {
        Fault fault = next.getAndSet(null);
        fault.first().run();
        return new OAuth2HttpResponse(Headers.of("Content-Type", "application/json"), fault.status(), fault.body(), null);
    }
}
