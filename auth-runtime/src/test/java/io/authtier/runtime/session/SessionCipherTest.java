package io.authtier.runtime.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("SessionCipher: AES-256-GCM bound to the session id")
class SessionCipherTest {

    private final SecureRandom random = new SecureRandom();
    private final SessionCipher cipher = new SessionCipher(random);
    private final byte[] plain = "{\"at\":\"secret-access-token\"}".getBytes(StandardCharsets.UTF_8);

    private byte[] random32() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return bytes;
    }

    @Test
    @DisplayName("Sealed bytes open with the same key and id, and do not contain the plaintext")
    void roundTrip() {
        byte[] key = random32();
        byte[] id = random32();

        byte[] sealed = cipher.seal(key, id, plain);

        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("secret-access-token");
        assertThat(cipher.open(key, id, sealed)).isInstanceOfSatisfying(SessionCipher.Opened.Plain.class,
                opened -> assertThat(opened.bytes()).isEqualTo(plain));
    }

    @Test
    @DisplayName("Two seals of the same plaintext differ (a fresh nonce each time)")
    void freshNonce() {
        byte[] key = random32();
        byte[] id = random32();

        assertThat(cipher.seal(key, id, plain)).isNotEqualTo(cipher.seal(key, id, plain));
    }

    @Test
    @DisplayName("Another key, another session id, a flipped bit or a truncation all fail, without saying which")
    void failures() {
        byte[] key = random32();
        byte[] id = random32();
        byte[] sealed = cipher.seal(key, id, plain);
        byte[] flipped = sealed.clone();
        flipped[flipped.length / 2] ^= 1;

        assertThat(cipher.open(random32(), id, sealed)).isInstanceOf(SessionCipher.Opened.Failed.class);
        assertThat(cipher.open(key, random32(), sealed)).isInstanceOf(SessionCipher.Opened.Failed.class);
        assertThat(cipher.open(key, id, flipped)).isInstanceOf(SessionCipher.Opened.Failed.class);
        assertThat(cipher.open(key, id, java.util.Arrays.copyOf(sealed, 20))).isInstanceOf(SessionCipher.Opened.Failed.class);
        assertThat(cipher.open(key, id, new byte[0])).isInstanceOf(SessionCipher.Opened.Failed.class);
    }

    @Test
    @DisplayName("A seal of the first bytes of a longer buffer opens to those bytes alone")
    void sealOfAPrefix() {
        byte[] key = random32();
        byte[] id = random32();
        byte[] buffer = java.util.Arrays.copyOf(plain, plain.length + 100);
        java.util.Arrays.fill(buffer, plain.length, buffer.length, (byte) 'x');

        byte[] sealed = cipher.seal(key, id, buffer, plain.length);

        assertThat(sealed).hasSize(cipher.seal(key, id, plain).length);
        assertThat(cipher.open(key, id, sealed)).isInstanceOfSatisfying(SessionCipher.Opened.Plain.class,
                opened -> assertThat(opened.bytes()).isEqualTo(plain));
    }

    @Test
    @DisplayName("The plaintext buffer is zeroed after use, and one grown past 64 KiB by a large session is not kept")
    void plaintextBufferIsWiped() {
        PlaintextBuffer buffer = new PlaintextBuffer();
        buffer.writeBytes(plain);
        byte[] inside = buffer.bytes();

        buffer.wipe();

        assertThat(buffer.size()).isZero();
        assertThat(java.util.Arrays.copyOf(inside, plain.length)).containsOnly(0);
        buffer.writeBytes(new byte[PlaintextBuffer.MAX_KEPT_BYTES + 1]);
        buffer.wipe();
        assertThat(buffer.bytes().length).isLessThanOrEqualTo(PlaintextBuffer.MAX_KEPT_BYTES);
        buffer.writeBytes(plain);
        assertThat(java.util.Arrays.copyOf(buffer.bytes(), buffer.size())).isEqualTo(plain);
    }
}
