package io.authtier.runtime.cache.redis;

import io.authtier.runtime.session.SessionCipher;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals L2 values so that Redis alone yields nothing and accepts no forgery: whoever can write to Redis
 * could otherwise store {@code {"active":true,"claims":{"sub":"root","groups":["admins"]}}} under the hash
 * of a token of their choosing and be let in without the IdP ever seeing it. Every replica derives the
 * same key from what Redis never holds (the introspection client secrets), each entry is sealed with
 * AES-256-GCM under its own key (HMAC of that key and the Redis key, so no key ever sees many random
 * nonces), and the Redis key is the additional data (a value copied to another key does not open).
 */
final class ValueSeal {

    private static final byte[] LABEL = "authtier l2 token cache v1".getBytes(StandardCharsets.US_ASCII);

    private final SecretKeySpec root;
    private final SessionCipher cipher;

    /** @param secrets what the replicas share and Redis does not (each introspecting issuer's name and client credentials); not empty */
    ValueSeal(List<String> secrets, SecureRandom random) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("sealing L2 values needs a secret that Redis does not hold");
        }
        Mac mac = hmac(new SecretKeySpec(LABEL, "HmacSHA256"));
        secrets.stream().sorted().forEach(secret -> {
            mac.update(secret.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
        });
        this.root = new SecretKeySpec(mac.doFinal(), "HmacSHA256");
        this.cipher = new SessionCipher(Objects.requireNonNull(random, "random"));
    }

    byte[] seal(String redisKey, byte[] plain) {
        byte[] aad = redisKey.getBytes(StandardCharsets.UTF_8);
        return cipher.seal(entryKey(aad), aad, plain);
    }

    /** The plain value, or empty if {@code sealed} was not sealed by this key for {@code redisKey}. */
    Optional<byte[]> open(String redisKey, byte[] sealed) {
        byte[] aad = redisKey.getBytes(StandardCharsets.UTF_8);
        return switch (cipher.open(entryKey(aad), aad, sealed)) {
            case SessionCipher.Opened.Plain plain -> Optional.of(plain.bytes());
            case SessionCipher.Opened.Failed failed -> Optional.empty();
        };
    }

    private byte[] entryKey(byte[] redisKey) {
        return hmac(root).doFinal(redisKey);
    }

    private static Mac hmac(SecretKeySpec key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is missing from this JVM: " + e.getClass().getSimpleName());
        }
    }
}
