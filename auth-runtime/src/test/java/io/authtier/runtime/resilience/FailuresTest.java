package io.authtier.runtime.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Which IdP failures are retried")
class FailuresTest {

    @Test
    @DisplayName("Connection errors and 5xx are retried, also inside CompletionException")
    void retried() {
        assertThat(Failures.isRetryable(new IdpStatusException("x", 500))).isTrue();
        assertThat(Failures.isRetryable(new IdpStatusException("x", 503))).isTrue();
        assertThat(Failures.isRetryable(new ConnectException("refused"))).isTrue();
        assertThat(Failures.isRetryable(new IOException("connection reset"))).isTrue();
        assertThat(Failures.isRetryable(new HttpConnectTimeoutException("connect timed out"))).isTrue();
        assertThat(Failures.isRetryable(new CompletionException(new ConnectException("refused")))).isTrue();
    }

    @Test
    @DisplayName("4xx, response timeouts, unreadable answers, an open circuit and a full bulkhead are not")
    void notRetried() {
        assertThat(Failures.isRetryable(new IdpStatusException("x", 401))).isFalse();
        assertThat(Failures.isRetryable(new IdpStatusException("x", 429))).isFalse();
        assertThat(Failures.isRetryable(new HttpTimeoutException("request timed out"))).isFalse();
        assertThat(Failures.isRetryable(new IllegalStateException("unreadable JSON"))).isFalse();
        assertThat(Failures.isRetryable(CallNotPermittedException.createCallNotPermittedException(CircuitBreaker.ofDefaults("x")))).isFalse();
        assertThat(Failures.isRetryable(BulkheadFullException.createBulkheadFullException(Bulkhead.ofDefaults("x")))).isFalse();
        assertThat(Failures.isTimeout(new CompletionException(new HttpTimeoutException("t")))).isTrue();
    }

    @Test
    @DisplayName("A failure reads as its innermost cause that says something, on one line; a bare exception as its class")
    void described() {
        // Given failures as the HTTP client and the key loader wrap them
        java.net.URI target = java.net.URI.create("https://idp.example.com/realms/x/.well-known/openid-configuration");
        IOException notJson = new IOException("the document is not JSON", new java.text.ParseException("Invalid JSON:\n  line 1", 0));
        CompletionException refused = new CompletionException(new ConnectException());
        java.util.concurrent.ExecutionException unresolved = new java.util.concurrent.ExecutionException(
                new ConnectException(null).initCause(new java.nio.channels.UnresolvedAddressException()));

        // Then each reads as what went wrong
        assertThat(Failures.describe(notJson, target)).isEqualTo("ParseException: Invalid JSON: line 1");
        assertThat(Failures.describe(refused, target)).isEqualTo("connection refused");
        assertThat(Failures.describe(unresolved, target)).isEqualTo("cannot resolve host idp.example.com");
        assertThat(Failures.describe(new IllegalStateException(), target)).isEqualTo("IllegalStateException");
    }
}
