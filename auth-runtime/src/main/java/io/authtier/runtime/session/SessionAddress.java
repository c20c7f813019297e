package io.authtier.runtime.session;

import java.util.Objects;

/**
 * Where a byte store keeps one session: never the session id itself, only its hash.
 *
 * @param userTag {@link SessionUser#tag()}: groups a user's sessions
 * @param idHash  SHA-256 of the session id, base64url
 */
public record SessionAddress(String userTag, String idHash) {

    public SessionAddress {
        Objects.requireNonNull(userTag, "userTag");
        Objects.requireNonNull(idHash, "idHash");
    }
}
