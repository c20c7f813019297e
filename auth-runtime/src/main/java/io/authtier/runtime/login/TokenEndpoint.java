package io.authtier.runtime.login;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.authtier.runtime.idp.BoundedExchange;
import io.authtier.runtime.resilience.Failures;
import io.authtier.runtime.resilience.IdpGuard;
import io.authtier.runtime.resilience.IdpStatusException;
import io.authtier.runtime.token.jwt.Claims;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The login client at the IdP's token endpoint: the authorization code (with the PKCE verifier) and the
 * refresh token grants, authenticated with {@code client_secret_basic} or, for a public client, by
 * {@code client_id} alone. Calls go through the login issuer's {@link IdpGuard} (retry on connection errors
 * and 5xx, bulkhead, circuit breaker); a 4xx is an answer ({@link TokenGrant.Refused}), not a failure. A
 * 200 without an {@code access_token}, or whose {@code token_type} is not {@code Bearer}, is malformed
 * ({@link TokenGrant.Unavailable}). The stage never completes exceptionally. Tokens and the secret are never logged.
 */
final class TokenEndpoint {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final Supplier<CompletionStage<ProviderEndpoints>> endpoints;
    private final String clientId;
    private final Optional<String> authorization;
    private final HttpClient http;
    private final IdpGuard guard;
    private final Duration timeout;
    private final ObjectMapper json = new ObjectMapper();
    private final SessionMetrics metrics;

    /**
     * @param authorization the {@code Authorization} header value of a confidential client; empty for a public one
     */
    TokenEndpoint(Supplier<CompletionStage<ProviderEndpoints>> endpoints, String clientId, Optional<String> authorization,
            HttpClient http, IdpGuard guard, Duration timeout, SessionMetrics metrics) {
        this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
        this.clientId = Objects.requireNonNull(clientId, "clientId");
        this.authorization = Objects.requireNonNull(authorization, "authorization");
        this.http = Objects.requireNonNull(http, "http");
        this.guard = Objects.requireNonNull(guard, "guard");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    CompletionStage<TokenGrant> exchangeCode(String code, String codeVerifier, String redirectUri) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri);
        form.put("code_verifier", codeVerifier);
        return post("code", form, Optional.empty());
    }

    /**
     * The refresh token grant, over by {@code lockEnds}: no attempt (a retry after its backoff included) is sent
     * once it has passed, and an attempt under way is cut off then, so that nothing of this refresh reaches the
     * IdP after the session's refresh lock may have passed to another replica. Such an end is
     * {@link TokenGrant.Unavailable}; the stage completes once no attempt is pending any more.
     */
    CompletionStage<TokenGrant> refresh(String refreshToken, Deadline lockEnds) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        return post("refresh", form, Optional.of(lockEnds));
    }

    private CompletionStage<TokenGrant> post(String grantLabel, Map<String, String> form, Optional<Deadline> deadline) {
        long start = System.nanoTime();
        if (authorization.isEmpty()) {
            form.put("client_id", clientId);
        }
        String body = form.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return guard.<TokenGrant>call(() -> endpoints.get().thenCompose(found -> send(found.token(), body, deadline)))
                .handle((grant, error) -> {
                    TokenGrant result = error == null ? grant : new TokenGrant.Unavailable(describe(error));
                    metrics.idpCall(grantLabel, switch (result) {
                        case TokenGrant.Granted granted -> "granted";
                        case TokenGrant.Refused refused -> "refused";
                        case TokenGrant.Unavailable unavailable -> "unavailable";
                    }, start);
                    return result;
                });
    }

    private CompletionStage<TokenGrant> send(URI uri, String body, Optional<Deadline> deadline) {
        Duration bound = timeout;
        if (deadline.isPresent()) {
            Duration left = deadline.get().remaining();
            if (left.isNegative() || left.isZero()) {
                return CompletableFuture.failedFuture(new NoTimeLeftException());
            }
            bound = left.compareTo(timeout) < 0 ? left : timeout;
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(bound)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        authorization.ifPresent(value -> request.header("Authorization", value));
        return BoundedExchange.send(http, request.build(), bound).thenApply(response -> {
            int status = response.statusCode();
            if (status >= 500 || (status != 200 && (status < 400 || status > 499))) {
                throw new IdpStatusException("the token endpoint", status);
            }
            Map<String, Object> answer = parse(response.body());
            if (status != 200) {
                return new TokenGrant.Refused(answer.get("error") instanceof String error && error.matches("[\\x20-\\x7E]{1,64}")
                        ? error : "http_" + status);
            }
            if (!(answer.get("access_token") instanceof String accessToken) || accessToken.isEmpty()) {
                throw new IllegalStateException("the token endpoint answered without an access_token");
            }
            // OIDC Core 3.1.3.3, RFC 6749 7.1: a Bearer token only. A DPoP (or unnamed) one is bound to a key we
            // do not hold, or of a kind whose rules we do not apply; the value is not logged (it is the IdP's text).
            if (!(answer.get("token_type") instanceof String type) || !type.equalsIgnoreCase("Bearer")) {
                throw new IllegalStateException("the token endpoint answered with a token_type other than Bearer");
            }
            return new TokenGrant.Granted(accessToken, text(answer.get("refresh_token")), text(answer.get("id_token")),
                    answer.get("expires_in") instanceof Number seconds && seconds.longValue() > 0
                            ? Optional.of(Duration.ofSeconds(seconds.longValue())) : Optional.empty(),
                    grantedScopes(answer.get("scope")));
        });
    }

    private Map<String, Object> parse(byte[] body) {
        try {
            return json.readValue(body, MAP);
        } catch (IOException e) {
            // Jackson's message may quote the body, which may hold tokens.
            throw new IllegalStateException("the token endpoint answered with unreadable JSON");
        }
    }

    /** RFC 6749 section 5.1 says a space-separated string; read as access tokens' scopes are, an array taken too. */
    private static Optional<List<String>> grantedScopes(Object value) {
        List<String> scopes = Claims.scopeList(value);
        return scopes.isEmpty() ? Optional.empty() : Optional.of(scopes);
    }

    private static Optional<String> text(Object value) {
        return value instanceof String s && !s.isEmpty() ? Optional.of(s) : Optional.empty();
    }

    /** A refresh attempt not sent: the session's refresh lock ends before it could be over. Not retried (not an I/O error). */
    private static final class NoTimeLeftException extends IllegalStateException {
        NoTimeLeftException() {
            super("no time left to ask the token endpoint before the session's refresh lock ends");
        }
    }

    static String describe(Throwable error) {
        Throwable cause = Failures.unwrap(error);
        return switch (cause) {
            case CallNotPermittedException e -> "circuit breaker open for the login issuer";
            case BulkheadFullException e -> "too many concurrent calls to the login issuer";
            case IdpStatusException e -> e.getMessage();
            case IllegalStateException e -> e.getMessage();
            default -> Failures.isTimeout(cause) ? "the login issuer timed out" : "the login issuer is unreachable (" + cause.getClass().getSimpleName() + ")";
        };
    }
}
