package io.authtier.runtime.introspection;

import java.util.concurrent.CompletionStage;

/**
 * Decides whether an opaque bearer token is active, for one of the configured issuers (RFC 7662).
 *
 * <p>The returned stage never completes exceptionally for an expected failure: an IdP that is down, slow
 * or refusing calls gives {@link IntrospectionOutcome.Unavailable}. Implementations never log or store
 * the raw token.
 */
public interface OpaqueTokenValidator extends AutoCloseable {

    /**
     * @param issuerName the configured issuer's {@code name}; an unknown name gives {@code Unavailable}
     * @param token      the raw bearer token
     */
    CompletionStage<IntrospectionOutcome> validate(String issuerName, String token);

    @Override
    default void close() {
    }
}
