package io.authtier.runtime.session;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One browser session: who logged in, the IdP's tokens, and when. The session id and key are not part of
 * it: they are the {@link SessionTicket}, the handle that the cookie carries.
 *
 * <p>{@link #toString()} masks the tokens (through {@link SessionTokens}); the serialised form
 * ({@link SessionCodec}) is only ever written encrypted and never logged.
 *
 * @param issuer            the issuer, exactly as configured
 * @param subject           {@code sub}; with the issuer, the {@link SessionUser} whose sessions this is one of
 * @param idpSessionId      the ID token's {@code sid}, for back-channel logout by {@code sid}
 * @param email             {@code email}, if present (identity header)
 * @param preferredUsername {@code preferred_username}, if present (identity header)
 * @param groups            {@code groups} (identity header)
 * @param roles             roles as of login: the ID token's and access token's {@code roles} and
 *                          {@code realm_access.roles} (for {@code allowed_roles} rules)
 * @param scopes            scopes granted at login (for {@code required_scopes} rules)
 * @param tokens            the IdP's tokens
 * @param createdAt         login time; the absolute timeout counts from here
 * @param lastSeenAt        last recorded use; the idle timeout counts from here. Recorded at most once a minute
 */
public record Session(
        String issuer,
        String subject,
        Optional<String> idpSessionId,
        Optional<String> email,
        Optional<String> preferredUsername,
        List<String> groups,
        List<String> roles,
        List<String> scopes,
        SessionTokens tokens,
        Instant createdAt,
        Instant lastSeenAt) {

    public Session {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(idpSessionId, "idpSessionId");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(preferredUsername, "preferredUsername");
        groups = List.copyOf(groups);
        roles = List.copyOf(roles);
        scopes = List.copyOf(scopes);
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastSeenAt, "lastSeenAt");
    }

    /** A session that starts at {@code now}, without roles or scopes. */
    public static Session start(SessionUser user, Optional<String> idpSessionId, Optional<String> email,
            Optional<String> preferredUsername, List<String> groups, SessionTokens tokens, Instant now) {
        return start(user, idpSessionId, email, preferredUsername, groups, List.of(), List.of(), tokens, now);
    }

    /** A session that starts at {@code now}. */
    public static Session start(SessionUser user, Optional<String> idpSessionId, Optional<String> email,
            Optional<String> preferredUsername, List<String> groups, List<String> roles, List<String> scopes,
            SessionTokens tokens, Instant now) {
        return new Session(user.issuer(), user.subject(), idpSessionId, email, preferredUsername, groups, roles, scopes,
                tokens, now, now);
    }

    public SessionUser user() {
        return new SessionUser(issuer, subject);
    }

    /** This session with new tokens (after a refresh). */
    public Session withTokens(SessionTokens newTokens) {
        return new Session(issuer, subject, idpSessionId, email, preferredUsername, groups, roles, scopes, newTokens,
                createdAt, lastSeenAt);
    }

    /** This session with the groups, roles and scopes of its newest tokens. */
    public Session withAccess(List<String> newGroups, List<String> newRoles, List<String> newScopes) {
        return new Session(issuer, subject, idpSessionId, email, preferredUsername, newGroups, newRoles, newScopes, tokens,
                createdAt, lastSeenAt);
    }

    /** This session, last seen at {@code now}. */
    public Session seenAt(Instant now) {
        return new Session(issuer, subject, idpSessionId, email, preferredUsername, groups, roles, scopes, tokens,
                createdAt, now);
    }
}
