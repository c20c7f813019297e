package io.authtier.runtime.login;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Pending logins: what the runtime must remember between sending a browser to the IdP and the IdP sending
 * it back (the OIDC {@code state} → PKCE verifier, nonce, return URL), for a few minutes (at most 10) and
 * for one use. The values arrive encrypted and the keys hashed (base64url), never the raw {@code state}.
 * Implementations: {@code memory/} and {@code redis/}.
 *
 * <p>A store that cannot answer (Redis down) fails the stage with
 * {@link io.authtier.runtime.session.SessionStoreException}, whose message names the exception class only.
 */
public interface PendingLogins extends AutoCloseable {

    /** Stores an (already encrypted) pending login under {@code key} for {@code ttl}. */
    CompletionStage<Void> put(String key, byte[] value, Duration ttl);

    /**
     * Stores {@code value} under {@code key} for {@code ttl} unless the key is there already: empty if this call
     * stored it, else the value held (and nothing stored). Atomic across replicas, so of two claims of one key
     * only one stores it, and the other learns what is there (a logout token's {@code jti}: in progress or used).
     */
    CompletionStage<Optional<byte[]>> claim(String key, byte[] value, Duration ttl);

    /**
     * Removes {@code key} if it still holds exactly {@code value}; true if removed. A claim given up by its
     * owner: never removes what another wrote in its place (after the claim lapsed).
     */
    CompletionStage<Boolean> release(String key, byte[] value);

    /** Returns and removes it atomically: a second take of the same key finds nothing (used once). */
    CompletionStage<Optional<byte[]>> take(String key);

    @Override
    default void close() {
    }
}
