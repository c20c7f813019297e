package io.authtier.runtime.idp;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One request to an IdP, bounded as {@code resilience.timeout} promises: the whole exchange, the answer's
 * body included, within the timeout (the JDK client's own request timeout ends at the headers, so an IdP
 * sending its body a byte a second held the call, its bulkhead slot and a connection for as long as it
 * liked), and the body within {@link #MAX_BODY_BYTES} (a larger one is refused as it arrives, never
 * buffered whole). A call over time is cancelled, which closes its connection.
 */
public final class BoundedExchange {

    /** Largest answer read from an IdP: discovery documents, token and introspection answers. */
    public static final int MAX_BODY_BYTES = 1 << 20;

    private BoundedExchange() {
    }

    /** Sends {@code request}; fails with {@link HttpTimeoutException} after {@code timeout}, or when the body is too large. */
    public static CompletableFuture<HttpResponse<byte[]>> send(HttpClient http, HttpRequest request, Duration timeout) {
        CompletableFuture<HttpResponse<byte[]>> call = http.sendAsync(request, info -> new CappedBody(MAX_BODY_BYTES));
        // orTimeout on a copy: its timer goes when the copy completes, and a timeout cancels the exchange itself.
        return call.copy().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).exceptionallyCompose(error -> {
            if (error instanceof TimeoutException) {
                call.cancel(true);
                return CompletableFuture.failedFuture(new HttpTimeoutException("the IdP did not answer in full within " + timeout));
            }
            return CompletableFuture.failedFuture(error);
        });
    }

    /** The answer is larger than the runtime reads. */
    public static final class BodyTooLargeException extends IllegalStateException {
        BodyTooLargeException(int limit) {
            super("the IdP's answer is larger than " + limit + " bytes");
        }
    }

    /** Collects a body up to {@code limit} bytes; beyond it, cancels the stream and fails. */
    private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int limit;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private Flow.Subscription subscription;

        CappedBody(int limit) {
            this.limit = limit;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (body.isDone()) {
                return;
            }
            for (ByteBuffer buffer : buffers) {
                if (out.size() + buffer.remaining() > limit) {
                    body.completeExceptionally(new BodyTooLargeException(limit));
                    subscription.cancel();
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                out.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable error) {
            body.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            body.complete(out.toByteArray());
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }
    }
}
