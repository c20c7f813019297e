package io.authtier.runtime.token.opaque;

import io.authtier.runtime.introspection.IntrospectedToken;
import io.authtier.runtime.introspection.IntrospectionOutcome;
import io.authtier.runtime.introspection.OpaqueTokenValidator;
import io.authtier.runtime.metrics.RuntimeMetrics;
import io.authtier.runtime.token.Principal;
import io.authtier.runtime.token.Rejection;
import io.authtier.runtime.token.TokenVerifier;
import io.authtier.runtime.token.Verdict;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Opaque bearer tokens, through introspection at the issuers that have it, in configuration order:
 * the first that calls the token active answers. Inactive everywhere is 401; if an issuer could not
 * answer and none said active, nothing can decide (503, with the breaker's Retry-After).
 */
public final class IntrospectionVerifier implements TokenVerifier {
  private final OpaqueTokenValidator validator;
  private final List<String> issuers;
  private final Duration defaultLifetime;
  private final Clock clock;
  private final RuntimeMetrics metrics;

  /**
   * @param issuers         names of the issuers with introspection, in the order to ask them
   * @param defaultLifetime how long a principal is taken to last when introspection gives no {@code exp}
   */
  public IntrospectionVerifier(OpaqueTokenValidator validator, List<String> issuers, Duration defaultLifetime,
      Clock clock, RuntimeMetrics metrics) {
    if (issuers.isEmpty()) {
      throw new IllegalArgumentException("no issuer has introspection configured");
    }
    this.validator = validator;
    this.issuers = List.copyOf(issuers);
    this.defaultLifetime = defaultLifetime;
    this.clock = clock;
    this.metrics = metrics;
  }

  @Override
  public CompletionStage<Verdict> verify(String token) {
    return ask(token, 0, Optional.empty());
  }

  private CompletionStage<Verdict> ask(String token, int index, Optional<IntrospectionOutcome.Unavailable> unavailable) {
    if (index == issuers.size()) {
      return CompletableFuture.completedFuture(unavailable
          .<Verdict>map(u -> new Verdict.Undecidable("introspection unavailable: " + u.reason(), u.retryAfter()))
          .orElse(new Verdict.Rejected(Rejection.INACTIVE)));
    }
    var issuer = issuers.get(index);
    return validator.validate(issuer, token).thenCompose(outcome -> switch (outcome) {
      case IntrospectionOutcome.Active(var introspected) when whom(introspected).isEmpty() -> {
        // Active, but for nobody we could name: every such caller would share one identity upstream.
        metrics.tokenValidation(issuer, Principal.Method.INTROSPECTION.label(), Rejection.MISSING_CLAIM.code());
        yield CompletableFuture.completedFuture(new Verdict.Rejected(Rejection.MISSING_CLAIM));
      }
      case IntrospectionOutcome.Active(var introspected) -> {
        metrics.tokenValidation(issuer, Principal.Method.INTROSPECTION.label(), "accepted");
        yield CompletableFuture.completedFuture(new Verdict.Accepted(principal(introspected)));
      }
      case IntrospectionOutcome.Inactive inactive -> {
        metrics.tokenValidation(issuer, Principal.Method.INTROSPECTION.label(), Rejection.INACTIVE.code());
        yield ask(token, index + 1, unavailable);
      }
      case IntrospectionOutcome.Unavailable u -> {
        metrics.tokenValidation(issuer, Principal.Method.INTROSPECTION.label(), "undecidable");
        yield ask(token, index + 1, unavailable.or(() -> Optional.of(u)));
      }
    });
  }

  /** Who the token speaks for: {@code sub}, else {@code username}, else (a client-credentials token) {@code client_id}. */
  private static Optional<String> whom(IntrospectedToken token) {
    return token.subject().or(token::username).or(token::clientId);
  }

  private Principal principal(IntrospectedToken token) {
    return new Principal(token.issuer(), whom(token).orElseThrow(), token.email(), token.username(), token.groups(), token.roles(),
        token.scopes(), token.expiresAt().orElse(clock.instant().plus(defaultLifetime)), Principal.Method.INTROSPECTION);
  }
}
