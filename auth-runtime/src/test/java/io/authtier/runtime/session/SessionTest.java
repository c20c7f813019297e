package io.authtier.runtime.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Session: serialisation and masking")
class SessionTest {

    private final Instant now = Instant.parse("2026-11-28T12:00:00.123Z");
    private final Session session = Session.start(new SessionUser("https://idp.example", "alice-sub"), Optional.of("sid-1"),
            Optional.empty(), Optional.of("alice"), List.of("admins"),
            new SessionTokens("AT-secret", Optional.of("RT-secret"), Optional.empty(), now.plusSeconds(300)), now);

    @Test
    @DisplayName("A session survives encode and decode, absent values included")
    void codecRoundTrip() {
        SessionCodec codec = new SessionCodec();

        assertThat(codec.decode(codec.encode(session))).contains(session);
    }

    @Test
    @DisplayName("Roles and scopes survive too, and a session stored before they existed decodes with none")
    void rolesAndScopes() {
        SessionCodec codec = new SessionCodec();
        Session withAccess = Session.start(session.user(), Optional.empty(), Optional.empty(), Optional.empty(), List.of(),
                List.of("admin"), List.of("openid", "email"), session.tokens(), now);
        assertThat(codec.decode(codec.encode(withAccess))).contains(withAccess);

        String older = "{\"v\":1,\"iss\":\"https://idp.example\",\"sub\":\"alice-sub\",\"groups\":[\"admins\"],"
                + "\"at\":\"AT\",\"atExp\":1,\"created\":2,\"seen\":3}";
        Session decoded = codec.decode(older.getBytes(java.nio.charset.StandardCharsets.UTF_8)).orElseThrow();
        assertThat(decoded.roles()).isEmpty();
        assertThat(decoded.scopes()).isEmpty();
        assertThat(decoded.groups()).containsExactly("admins");
    }

    @Test
    @DisplayName("Bytes that are not a version-1 session decode to nothing, never an exception")
    void badBytes() {
        SessionCodec codec = new SessionCodec();

        assertThat(codec.decode("not json".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(codec.decode("{\"v\":2,\"iss\":\"i\",\"sub\":\"s\",\"at\":\"a\"}".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(codec.decode(new byte[0])).isEmpty();
        assertThat(codec.decode("{\"v\":1,\"iss\":\"i\",\"sub\":7,\"at\":\"a\"}".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(codec.decode("{\"v\":1,\"iss\":\"i\",\"sub\":\"s\",\"at\":\"a\",\"groups\":\"g\"}".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(codec.decode("{\"v\":1,\"iss\":\"i\",\"sub\":\"s\",\"at\":\"a\"".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(codec.decode("{\"v\":1,\"iss\":\"i\",\"sub\":\"s\",\"at\":\"a\"}{}".getBytes(StandardCharsets.UTF_8))).isEmpty();
    }

    @Test
    @DisplayName("Fields a newer writer adds are skipped, whatever their shape")
    void unknownFieldsSkipped() {
        SessionCodec codec = new SessionCodec();
        String newer = "{\"v\":1,\"iss\":\"i\",\"sub\":\"s\",\"extra\":{\"a\":[1,{\"b\":2}]},\"at\":\"a\",\"more\":[\"x\"],"
                + "\"atExp\":10,\"created\":20,\"seen\":30}";

        Session decoded = codec.decode(newer.getBytes(StandardCharsets.UTF_8)).orElseThrow();

        assertThat(decoded.subject()).isEqualTo("s");
        assertThat(decoded.tokens().accessTokenExpiresAt()).isEqualTo(Instant.ofEpochMilli(10));
        assertThat(decoded.lastSeenAt()).isEqualTo(Instant.ofEpochMilli(30));
    }

    @Test
    @DisplayName("toString masks every token")
    void toStringMasksTokens() {
        assertThat(session.toString()).doesNotContain("AT-secret", "RT-secret").contains("***", "alice-sub");
    }

    @Test
    @DisplayName("A user's tag depends on issuer and subject, is 22 base64url characters, and has no braces")
    void userTag() {
        SessionUser alice = new SessionUser("https://idp.example", "alice");

        assertThat(alice.tag()).hasSize(22).matches("[A-Za-z0-9_-]+").isEqualTo(new SessionUser("https://idp.example", "alice").tag());
        assertThat(new SessionUser("https://other.example", "alice").tag()).isNotEqualTo(alice.tag());
        assertThat(new SessionUser("https://idp.example", "{x}").tag()).doesNotContain("{", "}");
    }
}
