package io.authtier.runtime.login;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.authtier.runtime.resilience.IdpStatusException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The login issuer's {@link ProviderEndpoints} from {@code issuerUrl/.well-known/openid-configuration}:
 * fetched on first use (one fetch for all concurrent callers), kept once read, fetched again on the next
 * login after a failure. The document's
 * {@code issuer} must equal the configured URL exactly (OpenID Connect Discovery 1.0, section 4.3).
 */
final class ProviderDiscovery {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final String issuerUrl;
    private final HttpClient http;
    private final Duration timeout;
    private final ObjectMapper json = new ObjectMapper();
    private final AtomicReference<CompletableFuture<ProviderEndpoints>> known = new AtomicReference<>();

    ProviderDiscovery(String issuerUrl, HttpClient http, Duration timeout) {
        this.issuerUrl = Objects.requireNonNull(issuerUrl, "issuerUrl");
        this.http = Objects.requireNonNull(http, "http");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** The endpoints: known, being fetched (concurrent callers share one fetch), or fetched now. */
    CompletionStage<ProviderEndpoints> endpoints() {
        CompletableFuture<ProviderEndpoints> current = known.get();
        if (current != null && !current.isCompletedExceptionally()) {
            return current;
        }
        CompletableFuture<ProviderEndpoints> mine = new CompletableFuture<>();
        if (!known.compareAndSet(current, mine)) {
            return endpoints();
        }
        fetch().whenComplete((endpoints, error) -> {
            if (error == null) {
                mine.complete(endpoints);
            } else {
                mine.completeExceptionally(error);
            }
        });
        return mine;
    }

    private CompletionStage<ProviderEndpoints> fetch() {
        String base = issuerUrl.endsWith("/") ? issuerUrl.substring(0, issuerUrl.length() - 1) : issuerUrl;
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/.well-known/openid-configuration"))
                .timeout(timeout).header("Accept", "application/json").GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenApply(response -> {
            if (response.statusCode() != 200) {
                throw new IdpStatusException("discovery of the login issuer", response.statusCode());
            }
            return read(response.body());
        });
    }

    private ProviderEndpoints read(byte[] body) {
        Map<String, Object> document;
        try {
            document = json.readValue(body, MAP);
        } catch (IOException e) {
            throw new IllegalStateException("the login issuer's discovery document is not JSON");
        }
        if (!issuerUrl.equals(document.get("issuer"))) {
            throw new IllegalStateException("the login issuer's discovery document names another issuer; expected " + issuerUrl);
        }
        return new ProviderEndpoints(endpoint(document, "authorization_endpoint").orElseThrow(() -> missing("authorization_endpoint")),
                endpoint(document, "token_endpoint").orElseThrow(() -> missing("token_endpoint")),
                endpoint(document, "end_session_endpoint"));
    }

    private static Optional<URI> endpoint(Map<String, Object> document, String name) {
        if (document.get(name) instanceof String text && text.matches("https?://\\S+")) {
            try {
                return Optional.of(URI.create(text));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static IllegalStateException missing(String name) {
        return new IllegalStateException("the login issuer's discovery document has no http(s) " + name);
    }
}
