package io.authtier.runtime.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

/**
 * Traefik's {@code forwardAuth} middleware as traefik/traefik {@code pkg/middlewares/auth/forward.go} (v3) has it,
 * for tests on machines where Traefik cannot be installed: the request it sends the auth server
 * ({@code writeHeader}), and what it makes of the answer ({@code ServeHTTP}). Only what the runtime's answers
 * depend on; written from the source, not checked against a running binary.
 *
 * @param address             {@code address}, with the runtime's port
 * @param authResponseHeaders {@code authResponseHeaders}
 * @param trustForwardHeader  {@code trustForwardHeader}
 */
public record TraefikForwardAuth(URI address, List<String> authResponseHeaders, boolean trustForwardHeader) {

    /** forward.go's {@code hopHeaders}: never sent to the auth server (with those that {@code Connection} names). */
    private static final List<String> HOP_HEADERS = List.of("Connection", "Keep-Alive", "Te", "Trailers", "Transfer-Encoding", "Upgrade");

    /** The documented Middleware's {@code spec.forwardAuth}, its address pointed at the runtime on {@code port}. */
    public static TraefikForwardAuth documented(JsonNode forwardAuth, int port) {
        URI documented = URI.create(forwardAuth.path("address").asText());
        URI address = URI.create("http://127.0.0.1:" + port + documented.getRawPath()
                + (documented.getRawQuery() == null ? "" : "?" + documented.getRawQuery()));
        List<String> headers = StreamSupport.stream(forwardAuth.path("authResponseHeaders").spliterator(), false)
                .map(JsonNode::asText).toList();
        return new TraefikForwardAuth(address, headers, forwardAuth.path("trustForwardHeader").asBoolean(false));
    }

    /**
     * The request as Traefik received it.
     *
     * @param clientIp the peer's address ({@code req.RemoteAddr})
     * @param headers  its headers, in order
     */
    public record Incoming(String method, String host, String requestUri, boolean tls, String clientIp,
            List<Map.Entry<String, String>> headers) {
    }

    /** What Traefik did: passed the request on with these headers, or answered the client itself. */
    public sealed interface Outcome {
    }

    /** 2xx: the request goes upstream with these headers. */
    public record Forwarded(List<Map.Entry<String, String>> upstreamHeaders) implements Outcome {
        public List<String> all(String name) {
            return upstreamHeaders.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).toList();
        }
    }

    /** Any other status: the auth server's answer, headers and body, goes to the client; {@code Location} resolved. */
    public record Answered(int status, RawHttp.Response answer, String location) implements Outcome {
    }

    /**
     * The auth request: always {@code GET address} (unless {@code preserveRequestMethod}), no body, the client's
     * headers but hop-by-hop ones, and {@code X-Forwarded-For/-Method/-Proto/-Host/-Uri} set by Traefik, replacing
     * the client's unless {@code trustForwardHeader}.
     */
    public RawHttp.Response ask(Incoming in) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        out.add(Map.entry("Host", address.getRawAuthority()));
        List<String> connection = in.headers().stream().filter(h -> h.getKey().equalsIgnoreCase("Connection"))
                .flatMap(h -> java.util.Arrays.stream(h.getValue().split(","))).map(String::strip).toList();
        for (Map.Entry<String, String> header : in.headers()) {
            String name = header.getKey();
            if (HOP_HEADERS.stream().noneMatch(name::equalsIgnoreCase) && connection.stream().noneMatch(name::equalsIgnoreCase)
                    && !isForwarded(name)) {
                out.add(header);
            }
        }
        out.add(Map.entry("X-Forwarded-For", trusted(in, "X-Forwarded-For") == null ? in.clientIp()
                : trusted(in, "X-Forwarded-For") + ", " + in.clientIp()));
        out.add(Map.entry("X-Forwarded-Method", orTrusted(in, "X-Forwarded-Method", in.method())));
        out.add(Map.entry("X-Forwarded-Proto", orTrusted(in, "X-Forwarded-Proto", in.tls() ? "https" : "http")));
        out.add(Map.entry("X-Forwarded-Host", orTrusted(in, "X-Forwarded-Host", in.host())));
        out.add(Map.entry("X-Forwarded-Uri", orTrusted(in, "X-Forwarded-Uri", in.requestUri())));
        if (in.headers().stream().noneMatch(h -> h.getKey().equalsIgnoreCase("Accept-Encoding"))) {
            out.add(Map.entry("Accept-Encoding", "gzip")); // Go's transport
        }
        return RawHttp.exchange(address.getPort(), "GET", address.getRawPath()
                + (address.getRawQuery() == null ? "" : "?" + address.getRawQuery()), out);
    }

    /**
     * Asks, then does what {@code ServeHTTP} does with the answer: outside [200, 300) the answer goes to the client
     * with its {@code Location} resolved against the auth address ({@code http.Response.Location()}); within it,
     * each {@code authResponseHeaders} name is deleted from the request, then copied from the answer if it has it.
     */
    public Outcome handle(Incoming in) {
        RawHttp.Response answer = ask(in);
        if (answer.status() < 200 || answer.status() >= 300) {
            String location = answer.first("Location");
            return new Answered(answer.status(), answer, location == null ? null : address.resolve(location).toString());
        }
        List<Map.Entry<String, String>> upstream = new ArrayList<>(in.headers());
        for (String name : authResponseHeaders) {
            upstream.removeIf(h -> h.getKey().equalsIgnoreCase(name));
            answer.all(name).forEach(value -> upstream.add(Map.entry(name, value)));
        }
        return new Forwarded(List.copyOf(upstream));
    }

    private static boolean isForwarded(String name) {
        return List.of("X-Forwarded-For", "X-Forwarded-Method", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Uri")
                .stream().anyMatch(name::equalsIgnoreCase);
    }

    private String trusted(Incoming in, String name) {
        if (!trustForwardHeader) {
            return null;
        }
        return in.headers().stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst().orElse(null);
    }

    private String orTrusted(Incoming in, String name, String own) {
        String value = trusted(in, name);
        return value == null ? own : value;
    }
}
