package io.authtier.runtime.session;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A {@link Session} to and from JSON bytes (Jackson), version 1. The bytes hold tokens: they go only into
 * {@link SessionCipher#seal}, never into a log or an exception message.
 */
public final class SessionCodec {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** The stored shape: short names, nulls for absent values, instants as epoch milliseconds. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record V1(int v, String iss, String sub, String sid, String email, String pun, List<String> groups,
            List<String> roles, List<String> scp, String at, String rt, String it, long atExp, long created, long seen) {
    }

    public byte[] encode(Session session) {
        SessionTokens tokens = session.tokens();
        V1 stored = new V1(1, session.issuer(), session.subject(), session.idpSessionId().orElse(null),
                session.email().orElse(null), session.preferredUsername().orElse(null), session.groups(),
                session.roles().isEmpty() ? null : session.roles(), session.scopes().isEmpty() ? null : session.scopes(),
                tokens.accessToken(), tokens.refreshToken().orElse(null), tokens.idToken().orElse(null),
                tokens.accessTokenExpiresAt().toEpochMilli(), session.createdAt().toEpochMilli(), session.lastSeenAt().toEpochMilli());
        try {
            return JSON.writeValueAsBytes(stored);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise a session: " + e.getClass().getSimpleName());
        }
    }

    /** The session, or empty if {@code bytes} are not a version-1 session (the cause is not kept: it may quote data). */
    public Optional<Session> decode(byte[] bytes) {
        try {
            V1 stored = JSON.readValue(bytes, V1.class);
            if (stored.v() != 1 || stored.iss() == null || stored.sub() == null || stored.at() == null) {
                return Optional.empty();
            }
            return Optional.of(new Session(stored.iss(), stored.sub(), Optional.ofNullable(stored.sid()),
                    Optional.ofNullable(stored.email()), Optional.ofNullable(stored.pun()),
                    stored.groups() == null ? List.of() : stored.groups(),
                    stored.roles() == null ? List.of() : stored.roles(),
                    stored.scp() == null ? List.of() : stored.scp(),
                    new SessionTokens(stored.at(), Optional.ofNullable(stored.rt()), Optional.ofNullable(stored.it()),
                            Instant.ofEpochMilli(stored.atExp())),
                    Instant.ofEpochMilli(stored.created()), Instant.ofEpochMilli(stored.seen())));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
