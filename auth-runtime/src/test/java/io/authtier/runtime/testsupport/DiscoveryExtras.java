package io.authtier.runtime.testsupport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.Route;
import no.nav.security.mock.oauth2.http.WellKnown;
import okhttp3.Headers;

/**
 * A route for mock-oauth2-server that serves the discovery document of some of its issuers with more
 * metadata than the mock knows (such as RFC 9207's {@code authorization_response_iss_parameter_supported}):
 * the mock's own document for that issuer, plus the extras. Every other request goes to the mock's routes.
 */
public final class DiscoveryExtras implements Route {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Map<String, Object>> extras;

    /** @param extras by issuer id (the first path segment of its issuer URL), the members to add */
    public DiscoveryExtras(Map<String, Map<String, Object>> extras) {
        this.extras = Map.copyOf(extras);
    }

    @Override
    public boolean match(OAuth2HttpRequest request) {
        return "GET".equals(request.getMethod()) && extras.keySet().stream()
                .anyMatch(id -> request.getUrl().encodedPath().equals("/" + id + "/.well-known/openid-configuration"));
    }

    @Override
    public OAuth2HttpResponse invoke(OAuth2HttpRequest request) {
        WellKnown known = request.toWellKnown();
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("issuer", known.getIssuer());
        document.put("authorization_endpoint", known.getAuthorizationEndpoint());
        document.put("end_session_endpoint", known.getEndSessionEndpoint());
        document.put("token_endpoint", known.getTokenEndpoint());
        document.put("userinfo_endpoint", known.getUserInfoEndpoint());
        document.put("jwks_uri", known.getJwksUri());
        document.put("response_types_supported", known.getResponseTypesSupported());
        document.put("subject_types_supported", known.getSubjectTypesSupported());
        document.put("id_token_signing_alg_values_supported", known.getIdTokenSigningAlgValuesSupported());
        document.put("code_challenge_methods_supported", known.getCodeChallengeMethodsSupported());
        document.putAll(extras.get(request.getUrl().pathSegments().getFirst()));
        try {
            return new OAuth2HttpResponse(Headers.of("Content-Type", "application/json"), 200, JSON.writeValueAsString(document), null);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
