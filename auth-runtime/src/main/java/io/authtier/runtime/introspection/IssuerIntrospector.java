package io.authtier.runtime.introspection;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.authtier.runtime.config.IssuerConfig;
import io.authtier.runtime.config.IntrospectionConfig;
import io.authtier.runtime.idp.BoundedExchange;
import io.authtier.runtime.idp.ClientSecretBasic;
import io.authtier.runtime.idp.Discovery;
import io.authtier.runtime.resilience.Failures;
import io.authtier.runtime.resilience.IdpGuard;
import io.authtier.runtime.resilience.IdpStatusException;
import io.authtier.runtime.resilience.RateLimitedLog;
import io.authtier.runtime.token.jwt.Claims;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.slf4j.LoggerFactory;

/**
 * The RFC 7662 client of one issuer: finds {@code introspection_endpoint} in the issuer's discovery
 * document (once, again after a failure), then POSTs {@code token=…&token_type_hint=access_token} with
 * {@code client_secret_basic}, through the issuer's {@link IdpGuard}. Every answer, including failures,
 * is an {@link IntrospectionOutcome}; the stage never completes exceptionally.
 *
 * <p>The client secret is read from its file once, kept only inside the {@code Authorization} header
 * value, and never logged; the token travels only in the request body and is never logged either.
 */
final class IssuerIntrospector {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final IssuerConfig issuer;
    private final String issuerUrl;
    private final HttpClient http;
    private final IdpGuard guard;
    private final Duration timeout;
    private final Clock clock;
    private final IntrospectionMetrics metrics;
    private final String authorization;
    private final ObjectMapper json = new ObjectMapper();
    private final Discovery<URI> discovery;
    private final RateLimitedLog log;

    IssuerIntrospector(IssuerConfig issuer, HttpClient http, IdpGuard guard, Duration timeout, Clock clock,
            IntrospectionMetrics metrics) {
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.issuerUrl = issuer.issuerUrl().toString();
        this.http = Objects.requireNonNull(http, "http");
        this.guard = Objects.requireNonNull(guard, "guard");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        IntrospectionConfig client = issuer.introspection().orElseThrow(() -> new IllegalArgumentException(
                "issuer '" + issuer.name() + "' has no introspection section"));
        this.discovery = new Discovery<>(issuerUrl, "issuer '" + issuer.name() + "'", http, timeout, document ->
                Discovery.endpoint(document, "introspection_endpoint").orElseThrow(() -> new IllegalStateException(
                        "the discovery document of issuer '" + issuer.name() + "' has no http(s) introspection_endpoint")),
                // Fetched inside the circuit breaker, which stops a failing IdP being asked per request.
                clock, Duration.ZERO);
        this.authorization = ClientSecretBasic.header(client.clientId(), client.clientSecretFile(), "introspection");
        this.log = new RateLimitedLog(LoggerFactory.getLogger(IssuerIntrospector.class), clock, Duration.ofSeconds(10));
        metrics.circuitBreaker(issuer.name(), guard::state);
        metrics.idpCalls(issuer.name());
    }

    /** Asks the IdP about {@code token}. */
    CompletionStage<IntrospectionOutcome> introspect(String token) {
        long start = System.nanoTime();
        return guard.call(() -> discovery.get().thenCompose(uri -> post(uri, token)))
                .handle((outcome, error) -> {
                    IntrospectionOutcome result = error == null ? outcome : unavailable(error);
                    metrics.idpCall(issuer.name(), label(result, error), Duration.ofNanos(System.nanoTime() - start));
                    return result;
                });
    }

    private CompletionStage<IntrospectionOutcome> post(URI uri, String token) {
        String form = "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "&token_type_hint=access_token";
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Authorization", authorization)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        return BoundedExchange.send(http, request, timeout).thenApply(response -> {
            if (response.statusCode() != 200) {
                throw new IdpStatusException("introspection at issuer '" + issuer.name() + "'", response.statusCode());
            }
            String contentType = response.headers().firstValue("Content-Type").orElse("none");
            if (!isJson(contentType)) {
                // RFC 7662 section 2.2 answers in application/json; anything else (a login page, a proxy's error
                // page) is not the IdP's verdict, however it parses.
                throw new IllegalStateException("issuer '%s' answered introspection with Content-Type %s, not application/json"
                        .formatted(issuer.name(), contentType.length() > 64 ? contentType.substring(0, 64) + "…" : contentType));
            }
            return decide(parse(response.body()), token);
        });
    }

    /** RFC 7662 section 2.2: only {@code "active": true} is active; then {@code exp}, {@code iss} and type are checked. */
    private IntrospectionOutcome decide(Map<String, Object> response, String token) {
        if (!Boolean.TRUE.equals(response.get("active"))) {
            return IntrospectionOutcome.INACTIVE;
        }
        if (response.get("exp") != null && Claims.seconds(response.get("exp")) == null) {
            // An exp that is no NumericDate ("abc", true): the token's lifetime is unknown, so it is not trusted for a TTL.
            return IntrospectionOutcome.INACTIVE;
        }
        IntrospectedToken introspected = IntrospectedToken.fromClaims(issuer.name(), issuerUrl, response, token);
        boolean expired = introspected.expiresAt().map(exp -> !exp.isAfter(clock.instant())).orElse(false);
        boolean otherIssuer = !introspected.issuer().equals(issuerUrl);
        boolean notAccessToken = "refresh_token".equals(response.get("token_type"));
        if (expired || otherIssuer || notAccessToken) {
            return IntrospectionOutcome.INACTIVE;
        }
        return new IntrospectionOutcome.Active(introspected);
    }

    /** {@code application/json} or a {@code +json} type, with any parameters. */
    static boolean isJson(String contentType) {
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(java.util.Locale.ROOT);
        return type.equals("application/json") || type.startsWith("application/") && type.endsWith("+json");
    }

    private Map<String, Object> parse(byte[] body) {
        try {
            return json.readValue(body, MAP);
        } catch (IOException e) {
            // Jackson's message may quote the body; keep only the kind of problem.
            throw new IllegalStateException("issuer '" + issuer.name() + "' answered with unreadable JSON");
        }
    }

    private IntrospectionOutcome unavailable(Throwable error) {
        Throwable cause = Failures.unwrap(error);
        String reason = switch (cause) {
            case CallNotPermittedException e -> "circuit breaker open for issuer " + issuer.name();
            case BulkheadFullException e -> "too many concurrent introspections at issuer " + issuer.name();
            default -> Failures.isTimeout(cause)
                    ? "introspection at issuer " + issuer.name() + " timed out"
                    : "introspection at issuer " + issuer.name() + " failed";
        };
        if (!(cause instanceof CallNotPermittedException)) {
            // Class and our own message only: JDK and Jackson messages name URLs, never the form body.
            log.warn("{}: {}", reason, cause.getClass().getSimpleName()
                    + (cause instanceof IdpStatusException || cause instanceof IllegalStateException ? " (" + cause.getMessage() + ")" : ""));
        }
        return new IntrospectionOutcome.Unavailable(reason, guard.retryAfter());
    }

    private static String label(IntrospectionOutcome outcome, Throwable error) {
        return switch (outcome) {
            case IntrospectionOutcome.Active a -> "active";
            case IntrospectionOutcome.Inactive i -> "inactive";
            case IntrospectionOutcome.Unavailable u -> switch (Failures.unwrap(error)) {
                case CallNotPermittedException e -> "circuit_open";
                case BulkheadFullException e -> "bulkhead_full";
                case IdpStatusException e -> "error";
                case Throwable t when Failures.isTimeout(t) -> "timeout";
                case IOException e -> "unreachable";
                default -> "error";
            };
        };
    }

    @Override
    public String toString() {
        return "IssuerIntrospector[" + issuer.name() + "]";
    }
}
