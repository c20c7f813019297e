package io.authtier.runtime.login;

import io.authtier.runtime.session.Session;
import io.authtier.runtime.token.jwt.Claims;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What access rules read from a session's tokens: {@code groups} from the ID token; roles from the ID
 * token's and the access token's {@code roles} and {@code realm_access.roles} (Keycloak puts realm roles
 * in the access token); scopes from the token response. Read at login and again at every refresh, so a
 * role taken away at the IdP is gone from the session by its next refresh, not only at the next login.
 *
 * <p>The tokens come straight from the token endpoint over the back channel, so their claims are read as
 * the IdP's without a signature check (OIDC Core 3.1.3.7); every ID token, a login's and a refresh's, was
 * checked in full before ({@link IdTokenCheck}).
 */
final class SessionGrants {

    private SessionGrants() {
    }

    /** Roles from the ID token's claims and the access token, if it is a JWT. */
    static List<String> roles(Map<String, Object> idClaims, String accessToken) {
        return Stream.concat(Claims.roles(idClaims).stream(),
                Claims.unverified(accessToken).map(Claims::roles).orElse(List.of()).stream()).distinct().toList();
    }

    /** RFC 6749 section 5.1: a token response without {@code scope} granted {@code otherwise}. */
    static List<String> scopes(Optional<List<String>> granted, List<String> otherwise) {
        return granted.orElse(otherwise);
    }

    /**
     * {@code refreshed} (the session with its new tokens) with groups, roles and scopes read again: from
     * the ID token it now holds (the new one if the IdP sent one, else the login's) and its new access
     * token, if it is a JWT (whose {@code sub} and {@code iss} {@link RefreshAnswerCheck} has checked); an
     * opaque one could not be checked and gives nothing. If neither can be read as a JWT (no ID token, an
     * opaque access token), the session keeps the groups and roles it had.
     */
    static Session reread(Session refreshed, Optional<List<String>> grantedScope) {
        Optional<Map<String, Object>> id = refreshed.tokens().idToken().flatMap(Claims::unverified);
        Optional<Map<String, Object>> access = Claims.unverified(refreshed.tokens().accessToken());
        List<String> scopes = scopes(grantedScope, refreshed.scopes());
        if (id.isEmpty() && access.isEmpty()) {
            return refreshed.withAccess(refreshed.groups(), refreshed.roles(), scopes);
        }
        List<String> groups = id.map(claims -> Claims.strings(claims.get("groups"))).orElse(refreshed.groups());
        return refreshed.withAccess(groups, roles(id.orElse(Map.of()), refreshed.tokens().accessToken()), scopes);
    }
}
