package io.authtier.runtime.idp;

import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;

/**
 * nimbus's {@link ResourceRetriever} for discovery documents and JWKS, through {@link BoundedExchange}: the
 * whole fetch, body included, within {@code resilience.timeout}, and at most 1 MiB. nimbus's own retriever
 * bounds each socket read only, so an IdP sending its JWKS a byte at a time held the fetch, and the
 * first-seen tokens of a new {@code kid} waiting for it, for as long as it liked. Blocking: called on the
 * key loader's thread and the verifier's virtual threads, never on an event loop.
 */
public final class BoundedRetriever implements ResourceRetriever {

    private final HttpClient http;
    private final Duration timeout;

    public BoundedRetriever(HttpClient http, Duration timeout) {
        this.http = Objects.requireNonNull(http, "http");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public Resource retrieveResource(URL url) throws IOException {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(url.toURI()).timeout(timeout).header("Accept", "application/json").GET().build();
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IOException("not a URL that can be fetched: " + url, e);
        }
        HttpResponse<byte[]> response;
        try {
            response = BoundedExchange.send(http, request, timeout).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + url, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof IOException io ? io : new IOException(cause.getClass().getSimpleName() + " fetching " + url, cause);
        }
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode() + " from " + url);
        }
        return new Resource(new String(response.body(), StandardCharsets.UTF_8), response.headers().firstValue("Content-Type").orElse(null));
    }
}
