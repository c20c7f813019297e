package io.authtier.runtime.login;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * The login issuer's endpoints, from its discovery document.
 *
 * @param authorization where browsers log in ({@code authorization_endpoint})
 * @param token         where codes and refresh tokens are exchanged ({@code token_endpoint})
 * @param endSession    RP-initiated logout ({@code end_session_endpoint}), if the IdP offers it
 */
record ProviderEndpoints(URI authorization, URI token, Optional<URI> endSession) {

    ProviderEndpoints {
        Objects.requireNonNull(authorization, "authorization");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(endSession, "endSession");
    }
}
