package io.authtier.runtime.idp;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.authtier.runtime.resilience.IdpStatusException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * One issuer's discovery document ({@code issuerUrl/.well-known/openid-configuration}), read into what a
 * caller needs from it (an endpoint, a set of endpoints): fetched on first use, one fetch for all
 * concurrent callers, kept once read, fetched again on the next use once a pause after a failure is over. The document's
 * {@code issuer} must equal the configured URL exactly (OpenID Connect Discovery 1.0, section 4.3).
 * The stage fails with {@link IdpStatusException} or {@link IllegalStateException} (our own message, never
 * the document's text).
 *
 * @param <T> what the caller reads from the document
 */
public final class Discovery<T> {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String issuerUrl;
    private final String what;
    private final HttpClient http;
    private final Duration timeout;
    private final Function<Map<String, Object>, T> reader;
    private final Clock clock;
    private final Duration pauseAfterFailure;
    private final AtomicReference<CompletableFuture<T>> known = new AtomicReference<>();
    /** Until when a failed fetch is the answer ({@link Clock#millis()}); set before that failure is visible. */
    private volatile long failedUntil;

    /**
     * @param what              who the issuer is, for messages: "the login issuer", "issuer 'main'"
     * @param reader            what to take from the document; throws {@link IllegalStateException} if it is not there
     * @param clock             when a failure happened
     * @param pauseAfterFailure how long a failed fetch stays the answer before the next use fetches again: without
     *                          a pause, every request that needs the document is one request to an IdP that is
     *                          failing already ({@link Duration#ZERO} where a circuit breaker guards the callers)
     */
    public Discovery(String issuerUrl, String what, HttpClient http, Duration timeout, Function<Map<String, Object>, T> reader,
            Clock clock, Duration pauseAfterFailure) {
        this.issuerUrl = Objects.requireNonNull(issuerUrl, "issuerUrl");
        this.what = Objects.requireNonNull(what, "what");
        this.http = Objects.requireNonNull(http, "http");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.reader = Objects.requireNonNull(reader, "reader");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.pauseAfterFailure = Objects.requireNonNull(pauseAfterFailure, "pauseAfterFailure");
    }

    /**
     * What the document says: known, being fetched (concurrent callers share one fetch), the last failure (for
     * {@code pauseAfterFailure} after it), or fetched now.
     */
    public CompletionStage<T> get() {
        CompletableFuture<T> current = known.get();
        if (current != null && (!current.isCompletedExceptionally() || clock.millis() < failedUntil)) {
            return current;
        }
        CompletableFuture<T> mine = new CompletableFuture<>();
        if (!known.compareAndSet(current, mine)) {
            return get();
        }
        fetch().whenComplete((value, error) -> {
            if (error == null) {
                mine.complete(value);
            } else {
                failedUntil = clock.millis() + pauseAfterFailure.toMillis();
                mine.completeExceptionally(error);
            }
        });
        return mine;
    }

    /** An http(s) endpoint named {@code name} in {@code document}, if there is one. */
    public static Optional<URI> endpoint(Map<String, Object> document, String name) {
        if (document.get(name) instanceof String text && text.matches("https?://\\S+")) {
            try {
                return Optional.of(URI.create(text));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private CompletionStage<T> fetch() {
        String base = issuerUrl.endsWith("/") ? issuerUrl.substring(0, issuerUrl.length() - 1) : issuerUrl;
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/.well-known/openid-configuration"))
                .timeout(timeout).header("Accept", "application/json").GET().build();
        return BoundedExchange.send(http, request, timeout).thenApply(response -> {
            if (response.statusCode() != 200) {
                throw new IdpStatusException("discovery of " + what, response.statusCode());
            }
            Map<String, Object> document;
            try {
                document = JSON.readValue(response.body(), MAP);
            } catch (IOException e) {
                throw new IllegalStateException("the discovery document of " + what + " is not JSON");
            }
            if (!issuerUrl.equals(document.get("issuer"))) {
                throw new IllegalStateException("the discovery document of " + what + " names another issuer; expected " + issuerUrl);
            }
            return reader.apply(document);
        });
    }
}
