package io.authtier.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.authtier.runtime.testsupport.DocSnippets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every option of the documented Traefik, Envoy and ingress-nginx snippets is one the proxy knows, by the name of
 * its reference (a misspelt option is ignored or refused by the proxy, and its protection silently lost). The
 * names are those of Traefik's {@code dynamic.ForwardAuth} (forward.go, v3), Envoy's {@code ext_authz.proto} and
 * {@code http_uri.proto}, and ingress-nginx's annotations reference.
 */
@DisplayName("The documented proxy snippets use only the proxies' own option names")
class ProxySnippetsTest {

    /** Each Envoy message of the snippet: the fields its proto defines (deprecated ones left out). */
    private static final Map<String, Set<String>> ENVOY = Map.of(
            "ExtAuthz", Set.of("@type", "grpc_service", "http_service", "transport_api_version", "failure_mode_allow",
                    "failure_mode_allow_header_add", "with_request_body", "clear_route_cache", "status_on_error",
                    "validate_mutations", "metadata_context_namespaces", "typed_metadata_context_namespaces",
                    "route_metadata_context_namespaces", "route_typed_metadata_context_namespaces", "filter_enabled",
                    "filter_enabled_metadata", "deny_at_disable", "include_peer_certificate", "stat_prefix",
                    "bootstrap_metadata_labels_key", "allowed_headers", "disallowed_headers", "include_tls_session",
                    "charge_cluster_response_stats", "encode_raw_headers", "decoder_header_mutation_rules",
                    "enable_dynamic_metadata_ingestion", "filter_metadata", "emit_filter_state_stats"),
            "HttpService", Set.of("server_uri", "path_prefix", "authorization_request", "authorization_response", "retry_policy"),
            "HttpUri", Set.of("uri", "cluster", "timeout"),
            // allowed_headers is deprecated here, in favour of ExtAuthz.allowed_headers
            "AuthorizationRequest", Set.of("headers_to_add"),
            "AuthorizationResponse", Set.of("allowed_upstream_headers", "allowed_upstream_headers_to_append", "allowed_client_headers",
                    "allowed_client_headers_on_success", "dynamic_metadata_from_headers"),
            "ListStringMatcher", Set.of("patterns"),
            "StringMatcher", Set.of("exact", "prefix", "suffix", "safe_regex", "contains", "ignore_case"),
            "HttpStatus", Set.of("code"));

    private static final Set<String> TRAEFIK_FORWARD_AUTH = Set.of("address", "tls", "trustForwardHeader", "authResponseHeaders",
            "authResponseHeadersRegex", "authRequestHeaders", "addAuthCookiesToResponse", "headerField", "forwardBody",
            "maxBodySize", "preserveLocationHeader", "preserveRequestMethod");

    private static final Set<String> INGRESS_NGINX_AUTH = Set.of("auth-url", "auth-method", "auth-signin", "auth-signin-redirect-param",
            "auth-response-headers", "auth-proxy-set-headers", "auth-request-redirect", "auth-cache-key", "auth-cache-duration",
            "auth-keepalive", "auth-keepalive-share-vars", "auth-keepalive-requests", "auth-keepalive-timeout",
            "auth-always-set-cookie", "auth-snippet", "auth-tls-secret");

    @Test
    @DisplayName("Envoy: every field of the ext_authz filter is in its proto, and none is deprecated")
    void envoy() {
        JsonNode filters = DocSnippets.yaml("auth-runtime.md", "### Envoy (`ext_authz`, HTTP service)").path("http_filters");
        JsonNode extAuthz = filters.path(0).path("typed_config");
        List<String> unknown = new ArrayList<>();

        check("ExtAuthz", extAuthz, unknown);
        check("HttpService", extAuthz.path("http_service"), unknown);
        check("HttpUri", extAuthz.path("http_service").path("server_uri"), unknown);
        check("AuthorizationRequest", extAuthz.path("http_service").path("authorization_request"), unknown);
        JsonNode response = extAuthz.path("http_service").path("authorization_response");
        check("AuthorizationResponse", response, unknown);
        List.of(extAuthz.path("allowed_headers"), response.path("allowed_upstream_headers"), response.path("allowed_client_headers"))
                .forEach(list -> {
                    check("ListStringMatcher", list, unknown);
                    list.path("patterns").forEach(pattern -> check("StringMatcher", pattern, unknown));
                });
        check("HttpStatus", extAuthz.path("status_on_error"), unknown);

        assertThat(unknown).isEmpty();
        assertThat(filters.path(0).path("name").asText()).isEqualTo("envoy.filters.http.ext_authz");
        assertThat(extAuthz.path("status_on_error").path("code").asText()).isEqualTo("ServiceUnavailable");
    }

    @Test
    @DisplayName("Traefik: every option of the forwardAuth middleware is one of Traefik's")
    void traefik() {
        JsonNode middleware = DocSnippets.yaml("auth-runtime.md", "### Traefik (`forwardAuth`)");

        assertThat(middleware.path("apiVersion").asText()).isEqualTo("traefik.io/v1alpha1");
        assertThat(middleware.path("kind").asText()).isEqualTo("Middleware");
        assertThat(names(middleware.path("spec").path("forwardAuth"))).isSubsetOf(TRAEFIK_FORWARD_AUTH);
    }

    @Test
    @DisplayName("ingress-nginx: every auth annotation is one of the controller's")
    void ingressNginx() {
        for (String page : List.of("auth-runtime.md", "login.md")) {
            JsonNode annotations = DocSnippets.yaml(page, "### ingress-nginx").path("metadata").path("annotations");
            assertThat(names(annotations)).as(page).allSatisfy(name -> {
                assertThat(name).startsWith("nginx.ingress.kubernetes.io/");
                assertThat(INGRESS_NGINX_AUTH).contains(name.substring("nginx.ingress.kubernetes.io/".length()));
            });
        }
    }

    private static void check(String message, JsonNode node, List<String> unknown) {
        for (String name : names(node)) {
            if (!ENVOY.get(message).contains(name)) {
                unknown.add(message + "." + name);
            }
        }
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
