package io.authtier.runtime.token.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.runtime.testsupport.MutableClock;
import io.authtier.runtime.token.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The verified-token cache")
class VerifiedTokenCacheTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    private VerifiedTokenCache.Entry expiringIn(Duration lifetime) {
        return new VerifiedTokenCache.Entry(new Principal("https://idp", "ada", Optional.empty(), Optional.empty(),
                List.of(), List.of(), List.of(), clock.instant().plus(lifetime), Principal.Method.JWT), "main");
    }

    @Test
    @DisplayName("never keeps an entry past its token's exp, even when the TTL is longer")
    void notPastExp() {
        // Given a TTL of 5 minutes and a token that expires in 10 seconds
        VerifiedTokenCache cache = new VerifiedTokenCache(100, Duration.ofMinutes(5), clock);
        TokenKey key = TokenKey.of("token-a");
        cache.put(key, expiringIn(Duration.ofSeconds(10)));

        // Then it is there before exp and gone at exp
        clock.advance(Duration.ofSeconds(9));
        assertThat(cache.get(key)).isNotNull();
        clock.advance(Duration.ofSeconds(1));
        assertThat(cache.get(key)).isNull();
    }

    @Test
    @DisplayName("drops an entry after the TTL even if its token lives longer")
    void ttl() {
        // Given a TTL of 5 minutes and a token valid for an hour
        VerifiedTokenCache cache = new VerifiedTokenCache(100, Duration.ofMinutes(5), clock);
        TokenKey key = TokenKey.of("token-b");
        cache.put(key, expiringIn(Duration.ofHours(1)));

        // Then
        clock.advance(Duration.ofMinutes(5).minusSeconds(1));
        assertThat(cache.get(key)).isNotNull();
        clock.advance(Duration.ofSeconds(1));
        assertThat(cache.get(key)).isNull();
    }

    @Test
    @DisplayName("keeps a token whose exp is millennia ahead for the TTL, without overflowing")
    void farFutureExp() {
        VerifiedTokenCache cache = new VerifiedTokenCache(100, Duration.ofMinutes(5), clock);
        TokenKey key = TokenKey.of("token-c");
        cache.put(key, expiringIn(Duration.between(clock.instant(), Instant.ofEpochSecond(Claims.MAX_SECONDS))));

        assertThat(cache.get(key)).isNotNull();
        clock.advance(Duration.ofMinutes(5));
        assertThat(cache.get(key)).isNull();
    }

    @Test
    @DisplayName("holds at most tokenCache.l1.maxEntries entries")
    void bounded() {
        VerifiedTokenCache cache = new VerifiedTokenCache(2, Duration.ofMinutes(5), clock);

        for (int i = 0; i < 10; i++) {
            cache.put(TokenKey.of("token-" + i), expiringIn(Duration.ofHours(1)));
        }

        assertThat(cache.size()).isLessThanOrEqualTo(2);
    }

    @Test
    @DisplayName("keys by SHA-512/256: equal tokens share a key, different ones do not, and the key prints no hash")
    void keys() throws Exception {
        assertThat(TokenKey.of("abc")).isEqualTo(TokenKey.of("abc")).isNotEqualTo(TokenKey.of("abd"));
        java.nio.ByteBuffer digest = java.nio.ByteBuffer.wrap(java.security.MessageDigest.getInstance("SHA-512/256")
                .digest("abc".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(TokenKey.of("abc")).isEqualTo(new TokenKey(digest.getLong(), digest.getLong(), digest.getLong(), digest.getLong()));
        assertThat(TokenKey.of("abc")).hasToString("TokenKey[sha512/256]");
    }
}
