package io.authtier.runtime.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.StreamSupport;

/**
 * Envoy's {@code ext_authz} HTTP filter with an {@code http_service}, as envoyproxy/envoy has it
 * ({@code source/extensions/filters/common/ext_authz/ext_authz_http_impl.cc}, {@code check_request_utils.cc},
 * {@code source/extensions/filters/http/ext_authz/ext_authz.cc}; API {@code ext_authz.proto}), for tests on machines
 * where Envoy cannot be installed: the check request it sends, and what it makes of the answer. Only what the
 * runtime's answers depend on; written from the source, not checked against a running binary.
 *
 * @param pathPrefix      {@code http_service.path_prefix}
 * @param allowedHeaders  {@code allowed_headers} (or the deprecated {@code authorization_request.allowed_headers})
 * @param upstream        {@code authorization_response.allowed_upstream_headers}
 * @param client          {@code authorization_response.allowed_client_headers}
 * @param clientOnSuccess {@code authorization_response.allowed_client_headers_on_success}
 * @param statusOnError   {@code status_on_error.code}, 403 when unset
 */
public record EnvoyExtAuthz(String pathPrefix, List<Matcher> allowedHeaders, List<Matcher> upstream, List<Matcher> client,
        List<Matcher> clientOnSuccess, int statusOnError) {

    /** A {@code type.matcher.v3.StringMatcher} on a header name ({@code exact} or {@code prefix}). */
    public record Matcher(String exact, String prefix, boolean ignoreCase) {
        boolean matches(String lowerCaseName) {
            String pattern = exact != null ? exact : prefix;
            String wanted = ignoreCase ? pattern.toLowerCase(Locale.ROOT) : pattern; // Envoy's header names are lower case
            return exact != null ? lowerCaseName.equals(wanted) : lowerCaseName.startsWith(wanted);
        }

        static Matcher exactly(String name) {
            return new Matcher(name, null, false);
        }
    }

    /** HTTP status names of {@code type.v3.StatusCode} that the documentation may use for {@code status_on_error}. */
    private static final Map<String, Integer> STATUS_NAMES = Map.of("Forbidden", 403, "ServiceUnavailable", 503,
            "Unauthorized", 401, "InternalServerError", 500);

    /** The documented filter's {@code typed_config}. */
    public static EnvoyExtAuthz documented(JsonNode typedConfig) {
        JsonNode service = typedConfig.path("http_service");
        JsonNode response = service.path("authorization_response");
        JsonNode allowed = typedConfig.has("allowed_headers") ? typedConfig.path("allowed_headers")
                : service.path("authorization_request").path("allowed_headers");
        JsonNode status = typedConfig.path("status_on_error").path("code");
        int onError = status.isMissingNode() ? 403 : status.isInt() ? status.asInt() : STATUS_NAMES.get(status.asText());
        return new EnvoyExtAuthz(service.path("path_prefix").asText(""), matchers(allowed), matchers(response.path("allowed_upstream_headers")),
                matchers(response.path("allowed_client_headers")), matchers(response.path("allowed_client_headers_on_success")), onError);
    }

    private static List<Matcher> matchers(JsonNode list) {
        return StreamSupport.stream(list.path("patterns").spliterator(), false)
                .map(p -> new Matcher(p.has("exact") ? p.get("exact").asText() : null, p.has("prefix") ? p.get("prefix").asText() : null,
                        p.path("ignore_case").asBoolean(false)))
                .toList();
    }

    /** The downstream request as Envoy decoded it: {@code :method}, {@code :authority}, {@code :path}, headers. */
    public record Incoming(String method, String authority, String path, List<Map.Entry<String, String>> headers) {
    }

    /** What Envoy did with the downstream request. */
    public sealed interface Outcome {
    }

    /** 200: the request goes upstream with these headers; these are added to the client's response. */
    public record Allowed(List<Map.Entry<String, String>> upstreamHeaders, List<Map.Entry<String, String>> clientHeaders) implements Outcome {
        public List<String> all(String name) {
            return upstreamHeaders.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).toList();
        }
    }

    /** Any other status below 500: Envoy answers with it, the allowed client headers and the body. */
    public record Denied(int status, List<Map.Entry<String, String>> headers, String body) implements Outcome {
        public String first(String name) {
            return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst().orElse(null);
        }
    }

    /** 5xx, a reset or a timeout: Envoy answers {@code status_on_error} with no header of the answer. */
    public record Failed(int status) implements Outcome {
    }

    /**
     * The check request: the original method, {@code path_prefix} + the original path and query, {@code host} the
     * original authority, {@code content-length: 0} and no body, and of the client's headers only
     * {@code authorization} and those {@code allowed_headers} match (repeated ones joined with commas).
     */
    public RawHttp.Response ask(int port, Incoming in) {
        List<Matcher> sent = new ArrayList<>(allowedHeaders);
        sent.add(Matcher.exactly("authorization"));
        Map<String, String> joined = new LinkedHashMap<>();
        for (Map.Entry<String, String> header : in.headers()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (!name.equals("content-length") && !name.equals("host") && sent.stream().anyMatch(m -> m.matches(name))) {
                joined.merge(name, header.getValue(), (a, b) -> a + "," + b);
            }
        }
        List<Map.Entry<String, String>> out = new ArrayList<>();
        out.add(Map.entry("host", in.authority()));
        out.add(Map.entry("content-length", "0"));
        joined.forEach((name, value) -> out.add(Map.entry(name, value)));
        return RawHttp.exchange(port, in.method(), pathPrefix + in.path(), out);
    }

    /** Asks, then does what the filter does with the answer ({@code toResponse}, {@code onComplete}). */
    public Outcome handle(int port, Incoming in) {
        RawHttp.Response answer = ask(port, in);
        if (answer.status() >= 500) {
            return new Failed(statusOnError);
        }
        if (answer.status() == 200) {
            List<String> remove = answer.all("x-envoy-auth-headers-to-remove").stream()
                    .flatMap(v -> Arrays.stream(v.split(","))).map(String::strip).filter(s -> !s.isEmpty())
                    .map(s -> s.toLowerCase(Locale.ROOT)).toList();
            List<Map.Entry<String, String>> upstreamHeaders = new ArrayList<>(in.headers());
            List<Map.Entry<String, String>> clientHeaders = new ArrayList<>();
            for (Map.Entry<String, String> header : answer.headers()) {
                String name = header.getKey().toLowerCase(Locale.ROOT);
                if (name.equals("x-envoy-auth-headers-to-remove")) {
                    continue;
                }
                if (upstream.stream().anyMatch(m -> m.matches(name))) {
                    upstreamHeaders.removeIf(h -> h.getKey().equalsIgnoreCase(name)); // setCopy
                    upstreamHeaders.add(Map.entry(name, header.getValue()));
                }
                if (clientOnSuccess.stream().anyMatch(m -> m.matches(name))) {
                    clientHeaders.add(Map.entry(name, header.getValue()));
                }
            }
            upstreamHeaders.removeIf(h -> remove.contains(h.getKey().toLowerCase(Locale.ROOT)));
            return new Allowed(List.copyOf(upstreamHeaders), List.copyOf(clientHeaders));
        }
        List<Matcher> toClient = new ArrayList<>(client);
        if (!client.isEmpty()) {
            List.of(":status", "content-length", "www-authenticate", "location").forEach(name -> toClient.add(Matcher.exactly(name)));
        }
        List<Map.Entry<String, String>> headers = answer.headers().stream()
                .filter(h -> !h.getKey().equalsIgnoreCase("x-envoy-auth-headers-to-remove"))
                .filter(h -> client.isEmpty() ? !h.getKey().equalsIgnoreCase("host")
                        : toClient.stream().anyMatch(m -> m.matches(h.getKey().toLowerCase(Locale.ROOT))))
                .toList();
        return new Denied(answer.status(), headers, answer.body());
    }
}
