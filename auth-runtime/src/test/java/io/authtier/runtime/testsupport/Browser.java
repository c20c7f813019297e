package io.authtier.runtime.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A browser for tests: follows redirects itself (so each hop can be inspected) and keeps cookies per host
 * and port. It sends {@code Secure} cookies over plain HTTP, which a real browser would not: the test
 * servers listen on loopback without TLS, and the cookie attributes are asserted separately.
 */
public final class Browser {

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final Map<String, Map<String, String>> jar = new LinkedHashMap<>();
    private final List<HttpResponse<String>> hops = new ArrayList<>();

    /** One request, no redirect followed; cookies sent and stored. */
    public HttpResponse<String> get(String url, String... headers) {
        return send(URI.create(url), HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET(), headers);
    }

    /**
     * A form POST (what a login page's submit button sends), with {@code headers} (name, value, …) such as
     * the {@code Origin} a browser adds; no redirect followed; cookies sent and stored.
     */
    public HttpResponse<String> postForm(String url, Map<String, String> form, String... headers) {
        String body = form.entrySet().stream()
                .map(e -> e.getKey() + "=" + java.net.URLEncoder.encode(e.getValue(), java.nio.charset.StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        String[] all = java.util.stream.Stream.concat(java.util.stream.Stream.of("Content-Type", "application/x-www-form-urlencoded"),
                java.util.Arrays.stream(headers)).toArray(String[]::new);
        return send(URI.create(url), HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)), all);
    }

    private HttpResponse<String> send(URI uri, HttpRequest.Builder request, String... headers) {
        if (headers.length > 0) {
            request.headers(headers);
        }
        String cookies = cookieHeader(uri);
        if (!cookies.isEmpty()) {
            request.header("Cookie", cookies);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            store(uri, response.headers().allValues("Set-Cookie"));
            hops.add(response);
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Follows redirects from {@code url} until a response that is not a redirect, or {@code until} matches a
     * Location; {@code firstHeaders} (name, value, …) go with the first request only.
     */
    public HttpResponse<String> follow(String url, java.util.function.Predicate<String> stopBefore, String... firstHeaders) {
        HttpResponse<String> response = get(url, firstHeaders);
        for (int hop = 0; hop < 10 && response.statusCode() / 100 == 3; hop++) {
            URI next = response.uri().resolve(response.headers().firstValue("Location").orElseThrow());
            if (stopBefore.test(next.toString())) {
                return response;
            }
            response = get(next.toString());
        }
        return response;
    }

    /**
     * Follows a login from {@code startUrl} through the IdP at {@code idpBaseUrl} until the redirect that
     * leaves it (to neither the IdP nor a {@code /oauth2/} route): returns the callback's answer.
     * {@code startHeaders} (name, value, …) go with the start only.
     */
    public HttpResponse<String> logIn(String startUrl, String idpBaseUrl, String... startHeaders) {
        return follow(startUrl, next -> !next.startsWith(idpBaseUrl) && !next.contains("/oauth2/"), startHeaders);
    }

    /** Every response so far, in order. */
    public List<HttpResponse<String>> hops() {
        return List.copyOf(hops);
    }

    /** The cookie {@code name} this browser holds for {@code url}'s host and port. */
    public String cookie(String url, String name) {
        return jar.getOrDefault(origin(URI.create(url)), Map.of()).get(name);
    }

    public void setCookie(String url, String name, String value) {
        jar.computeIfAbsent(origin(URI.create(url)), key -> new LinkedHashMap<>()).put(name, value);
    }

    public void forget(String url, String name) {
        jar.getOrDefault(origin(URI.create(url)), new LinkedHashMap<>()).remove(name);
    }

    private String cookieHeader(URI uri) {
        return jar.getOrDefault(origin(uri), Map.of()).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("; "));
    }

    private void store(URI uri, List<String> setCookies) {
        Map<String, String> cookies = jar.computeIfAbsent(origin(uri), key -> new LinkedHashMap<>());
        for (String header : setCookies) {
            String pair = header.split(";", 2)[0];
            int equals = pair.indexOf('=');
            String name = pair.substring(0, equals).strip();
            String value = pair.substring(equals + 1).strip();
            if (value.isEmpty() || header.contains("Max-Age=0")) {
                cookies.remove(name);
            } else {
                cookies.put(name, value);
            }
        }
    }

    private static String origin(URI uri) {
        return uri.getHost() + ":" + uri.getPort();
    }
}
