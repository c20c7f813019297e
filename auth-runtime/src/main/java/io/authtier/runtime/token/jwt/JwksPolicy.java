package io.authtier.runtime.token.jwt;

import java.time.Duration;
import java.util.Objects;

/**
 * How an issuer's JWKS is fetched and kept.
 *
 * @param cacheTtl         how long a fetched JWKS is used before it must be fetched again
 * @param refreshAhead     how long before {@code cacheTtl} ends a background refresh starts
 * @param refetchInterval  a token with an unknown {@code kid} refetches the JWKS at most once per this
 *                         interval, in one flight (SECURITY.md, bearer tokens 11)
 * @param outageTolerance  how long the last good JWKS is still used while the IdP cannot be reached
 * @param httpTimeout      connect and read timeout of each discovery or JWKS request
 * @param retryBackoff     first wait before retrying the start-up load; doubles up to {@link #MAX_STARTUP_BACKOFF}
 */
public record JwksPolicy(Duration cacheTtl, Duration refreshAhead, Duration refetchInterval,
                         Duration outageTolerance, Duration httpTimeout, Duration retryBackoff) {

    /** The longest wait between two start-up attempts to load an issuer's keys. */
    public static final Duration MAX_STARTUP_BACKOFF = Duration.ofSeconds(30);

    public JwksPolicy {
        Objects.requireNonNull(cacheTtl, "cacheTtl");
        Objects.requireNonNull(refreshAhead, "refreshAhead");
        Objects.requireNonNull(refetchInterval, "refetchInterval");
        Objects.requireNonNull(outageTolerance, "outageTolerance");
        Objects.requireNonNull(httpTimeout, "httpTimeout");
        Objects.requireNonNull(retryBackoff, "retryBackoff");
        if (refreshAhead.plus(httpTimeout).compareTo(cacheTtl) >= 0) {
            throw new IllegalArgumentException("refreshAhead + httpTimeout must be shorter than cacheTtl");
        }
    }

    /**
     * The production values: keys cached 5 minutes and refreshed 30 seconds ahead, unknown {@code kid}s
     * refetch at most every 30 seconds, last good keys kept for 12 hours of IdP outage.
     */
    public static JwksPolicy defaults(Duration httpTimeout, Duration retryBackoff) {
        return new JwksPolicy(Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofSeconds(30),
                Duration.ofHours(12), httpTimeout, retryBackoff);
    }

    /** This policy with another {@code refetchInterval}. */
    public JwksPolicy withRefetchInterval(Duration interval) {
        return new JwksPolicy(cacheTtl, refreshAhead, interval, outageTolerance, httpTimeout, retryBackoff);
    }
}
