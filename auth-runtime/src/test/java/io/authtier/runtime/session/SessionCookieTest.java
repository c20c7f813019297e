package io.authtier.runtime.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.authtier.runtime.config.CookieConfig;
import io.authtier.runtime.config.SameSite;
import io.authtier.runtime.config.SigningKeyFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("SessionCookie: signed value and attributes")
class SessionCookieTest {

    private static final Duration ABSOLUTE = Duration.ofDays(7);
    private final SecureRandom random = new SecureRandom();
    private final SigningKey oldKey = key("2025-01");
    private final SigningKey newKey = key("2026-11");
    private final SessionTicket ticket = SessionTicket.issue(new SessionUser("https://idp.example", "alice"), random);

    private SigningKey key(String id) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        return new SigningKey(id, secret);
    }

    private static SessionCookie cookie(SigningKey... keys) {
        return new SessionCookie("__Host-authtier", SameSite.Lax, List.of(keys), ABSOLUTE);
    }

    @Test
    @DisplayName("A value reads back as the same ticket, signed by the first key")
    void roundTrip() {
        SessionCookie cookie = cookie(newKey, oldKey);

        CookieCheck check = cookie.read(cookie.value(ticket));

        assertThat(check).isEqualTo(new CookieCheck.Valid(ticket, "2026-11", true));
    }

    @Test
    @DisplayName("Rotation: a cookie signed with the old key still reads after a new key is put first")
    void rotation() {
        String oldCookie = cookie(oldKey).value(ticket);

        CookieCheck check = cookie(newKey, oldKey).read(oldCookie);

        assertThat(check).isEqualTo(new CookieCheck.Valid(ticket, "2025-01", false));
    }

    @Test
    @DisplayName("A cookie signed with a key id that is no longer configured is refused")
    void unknownKeyId() {
        String oldCookie = cookie(oldKey).value(ticket);

        assertThat(cookie(newKey).read(oldCookie)).isEqualTo(new CookieCheck.Rejected(CookieCheck.Reason.UNKNOWN_KEY));
    }

    @Test
    @DisplayName("A cookie with a known key id but signed with another secret is refused")
    void forgedWithKnownId() {
        SigningKey impostor = new SigningKey(newKey.id(), key("x").secret());

        String forged = cookie(impostor).value(ticket);

        assertThat(cookie(newKey).read(forged)).isEqualTo(new CookieCheck.Rejected(CookieCheck.Reason.BAD_SIGNATURE));
    }

    @Test
    @DisplayName("Changing any single character of the value gets it refused (also base64's unused trailing bits)")
    void tampered() {
        SessionCookie cookie = cookie(newKey);
        String value = cookie.value(ticket);

        for (int i = 0; i < value.length(); i++) {
            char replacement = value.charAt(i) == 'A' ? 'B' : 'A';
            String tampered = value.substring(0, i) + replacement + value.substring(i + 1);
            assertThat(cookie.read(tampered)).as("position %d", i).isInstanceOf(CookieCheck.Rejected.class);
        }
    }

    @Test
    @DisplayName("Garbage, empty, truncated, extended and oversized values are refused as malformed")
    void malformed() {
        SessionCookie cookie = cookie(newKey);
        String value = cookie.value(ticket);

        assertThat(List.of("", "not base64 !", value.substring(0, value.length() - 4), value + "AAAA", "A".repeat(10_000)))
                .allSatisfy(bad -> assertThat(cookie.read(bad)).isEqualTo(new CookieCheck.Rejected(CookieCheck.Reason.MALFORMED)));
        assertThat(cookie.read(null)).isInstanceOf(CookieCheck.Rejected.class);
    }

    @Test
    @DisplayName("Set-Cookie: __Host- name, Path=/, no Domain, Secure, HttpOnly, SameSite, Max-Age = absolute timeout")
    void attributes() {
        SessionCookie cookie = new SessionCookie("__Host-authtier", SameSite.Strict, List.of(newKey), ABSOLUTE);

        String header = cookie.setCookie(ticket);

        assertThat(header).startsWith("__Host-authtier=" + cookie.value(ticket) + ";")
                .contains("; Path=/;", "; Secure", "; HttpOnly", "; SameSite=Strict", "; Max-Age=604800")
                .doesNotContainIgnoringCase("domain");
        assertThat(cookie.clearCookie()).startsWith("__Host-authtier=;").contains("Max-Age=0", "Secure", "HttpOnly", "Path=/");
    }

    @Test
    @DisplayName("A cookie name without __Host-, no keys, duplicate ids and short secrets are refused at start")
    void refusedAtStart() {
        assertThatThrownBy(() -> new SessionCookie("authtier", SameSite.Lax, List.of(newKey), ABSOLUTE))
                .hasMessageContaining("__Host-");
        assertThatThrownBy(() -> new SessionCookie("__Host-a", SameSite.Lax, List.of(), ABSOLUTE))
                .hasMessageContaining("at least one key");
        assertThatThrownBy(() -> cookie(newKey, new SigningKey(newKey.id(), newKey.secret())))
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> new SigningKey("short", new byte[31])).hasMessageContaining("at least 32");
    }

    @Test
    @DisplayName("Keys are read from the configured files; toString never shows a secret")
    void fromConfiguration(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("k1"), newKey.secret());
        SessionCookie cookie = SessionCookie.of(new CookieConfig("__Host-authtier", SameSite.Lax,
                List.of(new SigningKeyFile(newKey.id(), file))), ABSOLUTE);

        assertThat(cookie.read(cookie(newKey).value(ticket))).isInstanceOf(CookieCheck.Valid.class);
        assertThat(newKey.toString()).doesNotContain(java.util.HexFormat.of().formatHex(newKey.secret())).contains("***");
        assertThat(ticket.toString()).isEqualTo("SessionTicket[***]");
    }
}
