package io.authtier.runtime.login;

import io.authtier.runtime.session.Base64Url;
import io.authtier.runtime.session.SessionCipher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Pending logins by {@code state} and the browser-binding cookie that started them, sealed: the store key is
 * one hash of both, the AES-GCM key another, so the store holds neither the state nor a readable PKCE
 * verifier or nonce. Filed under the binding too, so that a callback with the state but another browser's
 * binding (or a guessed one) addresses nothing and cannot take, and so burn, the rightful browser's login.
 * Kept {@link #TTL} at most and taken once: a replayed {@code state} finds nothing.
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

    /** @param browser the value of the browser-binding cookie that the start sets */
    CompletionStage<Void> put(String state, String browser, PendingLogin login) {
        String name = name(state, browser);
        return store.put(storeKey(name), cipher.seal(key(name), aad(name), login.encode()), TTL);
    }

    /**
     * The pending login of {@code state} started by the browser whose binding cookie is {@code browser},
     * removed; empty if unknown, expired, already used, another browser's or not ours.
     */
    CompletionStage<Optional<PendingLogin>> take(String state, String browser) {
        String name = name(state, browser);
        return store.take(storeKey(name)).thenApply(value -> value.flatMap(sealed -> switch (cipher.open(key(name), aad(name), sealed)) {
            case SessionCipher.Opened.Plain plain -> PendingLogin.decode(plain.bytes());
            case SessionCipher.Opened.Failed failed -> Optional.<PendingLogin>empty();
        }));
    }

    /** Both in one string, unambiguously: the binding is 43 base64url characters, so what precedes its NUL is the state. */
    private static String name(String state, String browser) {
        return state + "\0" + browser;
    }

    private static String storeKey(String name) {
        return Base64Url.encode(Secrets.hash("authtier pending login id", name));
    }

    private static byte[] key(String name) {
        return Secrets.hash("authtier pending login key", name);
    }

    private static byte[] aad(String name) {
        return storeKey(name).getBytes(StandardCharsets.US_ASCII);
    }
}
