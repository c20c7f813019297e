package io.authtier.runtime.login;

import io.authtier.runtime.session.Base64Url;
import io.authtier.runtime.session.SessionCipher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Pending logins by {@code state}, sealed: the store key is one hash of the state, the AES-GCM key another,
 * so the store holds neither the state nor a readable PKCE verifier or nonce. Kept {@link #TTL} at most and
 * taken once: a replayed {@code state} finds nothing.
 */
final class PendingLoginVault {

    /** How long a login may take at the IdP. */
    static final Duration TTL = Duration.ofMinutes(10);

    private final PendingLogins store;
    private final SessionCipher cipher;

    PendingLoginVault(PendingLogins store, SessionCipher cipher) {
        this.store = Objects.requireNonNull(store, "store");
        this.cipher = Objects.requireNonNull(cipher, "cipher");
    }

    CompletionStage<Void> put(String state, PendingLogin login) {
        return store.put(storeKey(state), cipher.seal(key(state), aad(state), login.encode()), TTL);
    }

    /** The pending login of {@code state}, removed; empty if unknown, expired, already used or not ours. */
    CompletionStage<Optional<PendingLogin>> take(String state) {
        return store.take(storeKey(state)).thenApply(value -> value.flatMap(sealed -> switch (cipher.open(key(state), aad(state), sealed)) {
            case SessionCipher.Opened.Plain plain -> PendingLogin.decode(plain.bytes());
            case SessionCipher.Opened.Failed failed -> Optional.<PendingLogin>empty();
        }));
    }

    private static String storeKey(String state) {
        return Base64Url.encode(Secrets.hash("authtier pending login id", state));
    }

    private static byte[] key(String state) {
        return Secrets.hash("authtier pending login key", state);
    }

    private static byte[] aad(String state) {
        return storeKey(state).getBytes(StandardCharsets.US_ASCII);
    }
}
