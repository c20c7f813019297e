package io.authtier.runtime.cache;

import io.authtier.runtime.introspection.IntrospectedToken;
import java.time.Instant;
import java.util.Objects;

/**
 * A cached answer about an opaque token, without the token itself. {@link #until()} is the latest instant
 * the answer may be used: the token's {@code exp} for an active token, now + {@code negativeTtl} for an
 * inactive one. Each cache tier stores it for min(tier TTL, until − now).
 */
public sealed interface CachedDecision {

    Instant until();

    /** The same answer, valid until {@code earlier} if that is before {@link #until()}. */
    default CachedDecision cappedAt(Instant earlier) {
        if (!earlier.isBefore(until())) {
            return this;
        }
        return switch (this) {
            case Active(var token, var until) -> new Active(token, earlier);
            case Inactive(var until) -> new Inactive(earlier);
        };
    }

    /** The IdP said active. */
    record Active(IntrospectedToken token, Instant until) implements CachedDecision {
        public Active {
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(until, "until");
        }
    }

    /** The IdP said inactive (or the token had expired). */
    record Inactive(Instant until) implements CachedDecision {
        public Inactive {
            Objects.requireNonNull(until, "until");
        }
    }
}
