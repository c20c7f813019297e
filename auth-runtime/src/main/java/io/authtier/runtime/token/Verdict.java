package io.authtier.runtime.token;

import java.time.Duration;
import java.util.Objects;

/** The answer about one token: good, bad, or impossible to tell right now. */
public sealed interface Verdict {

    /** The token is valid and speaks for {@code principal} (HTTP 200, or 403 if a rule forbids). */
    record Accepted(Principal principal) implements Verdict {
        public Accepted {
            Objects.requireNonNull(principal, "principal");
        }
    }

    /** The token is not valid (HTTP 401). */
    record Rejected(Rejection rejection) implements Verdict {
        public Rejected {
            Objects.requireNonNull(rejection, "rejection");
        }
    }

    /**
     * Nothing can decide, e.g. the issuer's keys were never loaded because the IdP is down (HTTP 503).
     * {@code reason} is for logs; it never holds the token. {@code retryAfter} is when asking again may
     * help (the {@code Retry-After} header), such as when an open circuit breaker will let a call through.
     */
    record Undecidable(String reason, Duration retryAfter) implements Verdict {
        /** The wait that a client is told when nothing more precise is known. */
        public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(5);

        public Undecidable {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(retryAfter, "retryAfter");
        }

        public Undecidable(String reason) {
            this(reason, DEFAULT_RETRY_AFTER);
        }
    }
}
