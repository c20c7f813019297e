package io.authtier.runtime.login;

import io.authtier.runtime.idp.Discovery;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The login issuer's endpoints, from its discovery document.
 *
 * @param authorization where browsers log in ({@code authorization_endpoint})
 * @param token         where codes and refresh tokens are exchanged ({@code token_endpoint})
 * @param endSession    RP-initiated logout ({@code end_session_endpoint}), if the IdP offers it
 * @param sendsIss      whether its authorization responses carry {@code iss}
 *                      ({@code authorization_response_iss_parameter_supported}, RFC 9207): then one without is refused
 */
record ProviderEndpoints(URI authorization, URI token, Optional<URI> endSession, boolean sendsIss) {

    ProviderEndpoints {
        Objects.requireNonNull(authorization, "authorization");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(endSession, "endSession");
    }

    /** From a discovery document; {@link IllegalStateException} if it lacks the authorization or token endpoint. */
    static ProviderEndpoints of(Map<String, Object> document) {
        return new ProviderEndpoints(
                Discovery.endpoint(document, "authorization_endpoint").orElseThrow(() -> missing("authorization_endpoint")),
                Discovery.endpoint(document, "token_endpoint").orElseThrow(() -> missing("token_endpoint")),
                Discovery.endpoint(document, "end_session_endpoint"),
                Boolean.TRUE.equals(document.get("authorization_response_iss_parameter_supported")));
    }

    private static IllegalStateException missing(String name) {
        return new IllegalStateException("the login issuer's discovery document has no http(s) " + name);
    }
}
