package io.authtier.runtime.introspection;

import java.time.Duration;
import java.util.Objects;

/** What an opaque token validation decided. The caller maps it to 200, 401 or 503. */
public sealed interface IntrospectionOutcome {

    /** The IdP says the token is active, and it has not expired: 200 with the identity headers. */
    record Active(IntrospectedToken token) implements IntrospectionOutcome {
        public Active {
            Objects.requireNonNull(token, "token");
        }
    }

    /** {@code active: false}, expired, or issued by someone else: 401 {@code invalid_token}. */
    record Inactive() implements IntrospectionOutcome {
    }

    /**
     * Nothing could decide: the IdP is down, slow, refusing our client, or its circuit is open, and no
     * answer is cached. 503 with {@code Retry-After} (whole seconds, rounded up from {@code retryAfter}).
     *
     * @param reason     short, fixed text for logs and metrics; never contains the token or a secret
     * @param retryAfter when asking again makes sense; at least one second
     */
    record Unavailable(String reason, Duration retryAfter) implements IntrospectionOutcome {
        public Unavailable {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(retryAfter, "retryAfter");
        }
    }

    /** The one {@link Inactive}. */
    Inactive INACTIVE = new Inactive();
}
