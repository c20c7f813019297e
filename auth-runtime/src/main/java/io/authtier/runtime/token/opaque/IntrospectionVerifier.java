package io.authtier.runtime.token.opaque;

import io.authtier.runtime.introspection.IntrospectedToken;
import io.authtier.runtime.introspection.IntrospectionOutcome;
import io.authtier.runtime.introspection.OpaqueTokenValidator;
import io.authtier.runtime.metrics.RuntimeMetrics;
import io.authtier.runtime.token.Identities;
import io.authtier.runtime.token.Principal;
import io.authtier.runtime.token.Rejection;
import io.authtier.runtime.token.TokenVerifier;
import io.authtier.runtime.token.Verdict;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opaque bearer tokens, through introspection at the issuers that have it, in configuration order:
 * the first that calls the token active answers. Inactive everywhere is 401; if an issuer could not
 * answer and none said active, nothing can decide (503, with the breaker's Retry-After). A token that
 * starts with an issuer's {@code tokenPrefix} is asked of the issuer with the longest such prefix only; any
 * other token of the issuers without one: an IdP then never sees the tokens of another.
 */
public final class IntrospectionVerifier implements TokenVerifier {
  private static final Logger LOG = LoggerFactory.getLogger(IntrospectionVerifier.class);
  private final OpaqueTokenValidator validator;
  /** The issuers with a token prefix, longest prefix first; prefixes are unique (validated). */
  private final List<Introspecting> prefixed;
  /** The issuers without one, in configuration order: asked for every token that has no configured prefix. */
  private final List<String> unprefixed;
  private final Duration defaultLifetime;
  private final Clock clock;
  private final RuntimeMetrics metrics;

  /** An issuer with introspection: its name, and the prefix its opaque tokens have, if configured. */
  public record Introspecting(String name, Optional<String> tokenPrefix) {
    public Introspecting {
      java.util.Objects.requireNonNull(name, "name");
      java.util.Objects.requireNonNull(tokenPrefix, "tokenPrefix");
    }
  }

  /**
   * @param issuers         the issuers with introspection, in the order to ask them
   * @param defaultLifetime how long a principal is taken to last when introspection gives no {@code exp}
   */
  public IntrospectionVerifier(OpaqueTokenValidator validator, List<Introspecting> issuers, Duration defaultLifetime,
      Clock clock, RuntimeMetrics metrics) {
    if (issuers.isEmpty()) {
      throw new IllegalArgumentException("no issuer has introspection configured");
    }
    this.validator = validator;
    this.prefixed = issuers.stream().filter(i -> i.tokenPrefix().isPresent())
        .sorted(Comparator.comparingInt((Introspecting i) -> i.tokenPrefix().orElseThrow().length()).reversed())
        .toList();
    this.unprefixed = issuers.stream().filter(i -> i.tokenPrefix().isEmpty()).map(Introspecting::name).toList();
    if (unprefixed.size() > 1) {
      LOG.warn("opaque tokens without a configured prefix are introspected at issuers {} in this order: an IdP also sees"
          + " the tokens of the issuers after it; give each its introspection.tokenPrefix, or introspection to one issuer", unprefixed);
    }
    this.defaultLifetime = defaultLifetime;
    this.clock = clock;
    this.metrics = metrics;
  }

  @Override
  public CompletionStage<Verdict> verify(String token) {
    // The longest prefix the token has wins: with ory_ and ory_at_, an ory_at_ token is not shown to the ory_ issuer.
    List<String> asked = prefixed.stream().filter(i -> token.startsWith(i.tokenPrefix().orElseThrow())).findFirst()
        .map(i -> List.of(i.name())).orElse(unprefixed);
    if (asked.isEmpty()) {
      // Every issuer has a prefix and this token has none of them: nobody is asked.
      metrics.tokenValidation(RuntimeMetrics.UNKNOWN_ISSUER, Principal.Method.INTROSPECTION.label(), Rejection.INACTIVE.code());
      return CompletableFuture.completedFuture(new Verdict.Rejected(Rejection.INACTIVE));
    }
    return ask(token, asked, 0, Optional.empty());
  }

  private CompletionStage<Verdict> ask(String token, List<String> asked, int index, Optional<IntrospectionOutcome.Unavailable> unavailable) {
    if (index == asked.size()) {
      return CompletableFuture.completedFuture(unavailable
          .<Verdict>map(u -> new Verdict.Undecidable("introspection unavailable: " + u.reason(), u.retryAfter()))
          .orElse(new Verdict.Rejected(Rejection.INACTIVE)));
    }
    var issuer = asked.get(index);
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
        yield ask(token, asked, index + 1, unavailable);
      }
      case IntrospectionOutcome.Unavailable u -> {
        metrics.tokenValidation(issuer, Principal.Method.INTROSPECTION.label(), "undecidable");
        yield ask(token, asked, index + 1, unavailable.or(() -> Optional.of(u)));
      }
    });
  }

  /**
   * Who the token speaks for: {@code sub}, else {@code username}, else (a client-credentials token) {@code client_id};
   * empty if that one cannot be passed on as it is (no fall-back to the next, which could be someone else's sub).
   */
  private static Optional<String> whom(IntrospectedToken token) {
    return token.subject().or(token::username).or(token::clientId).filter(Identities::passable);
  }

  private Principal principal(IntrospectedToken token) {
    return new Principal(token.issuer(), whom(token).orElseThrow(), token.email(), token.username(), token.groups(), token.roles(),
        token.scopes(), token.expiresAt().orElse(clock.instant().plus(defaultLifetime)), Principal.Method.INTROSPECTION);
  }
}
