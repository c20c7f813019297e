package io.authtier.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** How the runtime calls the IdP: timeouts, retries, circuit breaker and connection pool. */
public record ResilienceSpec(
    @Default("2s")
    @Pattern(Patterns.DURATION)
    @JsonPropertyDescription("Timeout of one call to the IdP.")
    String timeout,

    @Default("{}")
    @JsonPropertyDescription("Retries on connection errors and 5xx answers, with exponential backoff and jitter.")
    Retry retry,

    @Default("{}")
    @JsonPropertyDescription("Circuit breaker around the IdP.")
    CircuitBreaker circuitBreaker,

    @Default("100")
    @Min(1)
    @Max(MAX_CONNECTIONS)
    @JsonPropertyDescription("Most concurrent connections to the IdP per replica.")
    Integer maxConnections) {
  public static final int MAX_CONNECTIONS = 10_000;


  public ResilienceSpec {
    timeout = timeout == null ? "2s" : timeout;
    retry = retry == null ? new Retry(null, null) : retry;
    circuitBreaker = circuitBreaker == null ? new CircuitBreaker(null, null) : circuitBreaker;
    maxConnections = maxConnections == null ? 100 : maxConnections;
  }

  /** Retry policy. */
  public record Retry(
      @Default("3")
      @Min(1)
      @Max(10)
      @JsonPropertyDescription("Attempts in all, the first included.")
      Integer maxAttempts,

      @Default("200ms")
      @Pattern(Patterns.DURATION)
      @JsonPropertyDescription("Wait before the first retry; doubled for each next one.")
      String initialBackoff) {

    public Retry {
      maxAttempts = maxAttempts == null ? 3 : maxAttempts;
      initialBackoff = initialBackoff == null ? "200ms" : initialBackoff;
    }
  }

  /** Circuit breaker policy. */
  public record CircuitBreaker(
      @Default("50")
      @Min(1)
      @Max(100)
      @JsonPropertyDescription("Failure rate, in percent, at which the breaker opens.")
      Integer failureRateThreshold,

      @Default("30s")
      @Pattern(Patterns.DURATION)
      @JsonPropertyDescription("How long the breaker stays open before it lets a trial call through.")
      String waitInOpenState) {

    public CircuitBreaker {
      failureRateThreshold = failureRateThreshold == null ? 50 : failureRateThreshold;
      waitInOpenState = waitInOpenState == null ? "30s" : waitInOpenState;
    }
  }
}
