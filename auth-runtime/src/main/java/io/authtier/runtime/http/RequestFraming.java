package io.authtier.runtime.http;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Refuses HTTP/1.x requests whose framing or target a proxy in front could read differently from this
 * server, before any handler sees them (RFC 9112, sections 3.2 and 6.1). Netty accepts them: an unknown
 * {@code Transfer-Encoding} is read as "no body", so the body would be parsed as a second request (request
 * smuggling), and a missing or repeated {@code Host} is let through. The answer closes the connection,
 * so nothing sent after the refused request is read.
 *
 * <ul>
 *   <li>{@code Transfer-Encoding} whose last coding is not {@code chunked}, or on an HTTP/1.0 request: 400;</li>
 *   <li>{@code Transfer-Encoding} with codings besides {@code chunked} (this server decodes none): 501;</li>
 *   <li>HTTP/1.1 without {@code Host}, or with more than one: 400.</li>
 * </ul>
 * HTTP/2 frames its own messages and names the authority in a pseudo-header, so it is not checked here.
 */
public final class RequestFraming implements Handler<HttpServerRequest> {

    private final Handler<HttpServerRequest> next;

    public RequestFraming(Handler<HttpServerRequest> next) {
        this.next = Objects.requireNonNull(next, "next");
    }

    /** Why a request is refused: the status and a body that names the header and the fix. */
    record Refusal(int status, String reason) {
    }

    @Override
    public void handle(HttpServerRequest request) {
        Refusal refusal = refusal(request.version(), request.headers());
        if (refusal == null) {
            next.handle(request);
            return;
        }
        request.response().setStatusCode(refusal.status())
                .putHeader(HttpHeaders.CONNECTION, "close")
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                .end(refusal.reason() + "\n");
        // At once, not when the answer is written: Vert.x then drops a request pipelined behind this one
        // instead of serving it, and closes the connection once this one has been read to its end.
        request.connection().close();
    }

    /** The refusal for a request of {@code version} with {@code headers}, or null if it may be served. */
    static Refusal refusal(HttpVersion version, MultiMap headers) {
        if (version == HttpVersion.HTTP_2) {
            return null;
        }
        String transferEncoding = headers.get(HttpHeaders.TRANSFER_ENCODING);
        if (transferEncoding != null) {
            Refusal refusal = transferEncoding(version, headers.getAll(HttpHeaders.TRANSFER_ENCODING));
            if (refusal != null) {
                return refusal;
            }
        }
        if (version == HttpVersion.HTTP_1_1) {
            int hosts = headers.getAll(HttpHeaders.HOST).size();
            if (hosts == 0) {
                return new Refusal(400, "an HTTP/1.1 request needs a Host header");
            }
            if (hosts > 1) {
                return new Refusal(400, "more than one Host header: send exactly one");
            }
        }
        return null;
    }

    private static Refusal transferEncoding(HttpVersion version, List<String> lines) {
        if (version == HttpVersion.HTTP_1_0) {
            // Netty 4.2's decoder already refuses these (an empty 400); kept so the rule holds whatever the decoder does.
            return new Refusal(400, "Transfer-Encoding is not defined for HTTP/1.0: send Content-Length instead");
        }
        // One coding list over all the header's lines, in order (RFC 9110, section 5.3).
        String[] codings = String.join(",", lines).split(",", -1);
        String last = codings[codings.length - 1].strip().toLowerCase(Locale.ROOT);
        if (!last.equals("chunked")) {
            return new Refusal(400, "Transfer-Encoding must end with chunked, or be left out with Content-Length sent instead");
        }
        if (codings.length > 1) {
            return new Refusal(501, "Transfer-Encoding other than chunked is not supported: send the body chunked only");
        }
        return null;
    }
}
