package io.authtier.runtime.testsupport;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A real Keycloak (the {@code keycloak-quarkus-dist} zip that Maven resolves for the tests, system property
 * {@code keycloak.dist}), unpacked and started with {@code kc.sh start-dev} on a free loopback port, with its
 * admin REST API for setting up realms, users and clients.
 */
public final class Keycloak implements AutoCloseable {

    private static final String ADMIN = "admin";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(6);

    private final Process process;
    private final String url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ObjectMapper json = new ObjectMapper();

    private Keycloak(Process process, String url) {
        this.process = process;
        this.url = url;
    }

    /** Unpacks the distribution into {@code dir} and starts it; returns once the master realm answers. */
    public static Keycloak start(Path dir) {
        Path zip = Path.of(System.getProperty("keycloak.dist", "keycloak.dist-is-not-set"));
        if (!Files.isRegularFile(zip)) {
            throw new IllegalStateException("the Keycloak distribution is not at " + zip
                    + "; run the tests through Maven, which resolves org.keycloak:keycloak-quarkus-dist:zip");
        }
        int port = FreePorts.next();
        try {
            Path home = unzip(zip, dir);
            ProcessBuilder builder = new ProcessBuilder("bash", home.resolve("bin/kc.sh").toString(), "start-dev",
                    "--http-port", Integer.toString(port), "--http-host", "127.0.0.1")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("keycloak.log").toFile());
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            // The one opening Keycloak's own threads ask for on JDK 24+; without it they log an IllegalAccessError.
            builder.environment().put("JAVA_OPTS_APPEND", "--add-opens=java.base/java.lang=ALL-UNNAMED");
            builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN);
            builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN);
            Keycloak keycloak = new Keycloak(builder.start(), "http://127.0.0.1:" + port);
            try {
                await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                        .until(() -> keycloak.process.isAlive() && keycloak.status("/realms/master") == 200
                                || !keycloak.process.isAlive());
                if (!keycloak.process.isAlive()) {
                    throw new IllegalStateException("Keycloak exited with " + keycloak.process.exitValue() + "; see "
                            + dir.resolve("keycloak.log"));
                }
                return keycloak;
            } catch (RuntimeException e) {
                keycloak.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return url;
    }

    public String realmUrl(String realm) {
        return url + "/realms/" + realm;
    }

    /** POSTs {@code body} as JSON to the admin API path {@code path} (after {@code /admin/realms}); 2xx or fails. */
    public void post(String path, Object body) {
        send(HttpRequest.newBuilder(URI.create(url + "/admin/realms" + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(write(body))));
    }

    /** PUTs {@code body} as JSON (or nothing, if null) to the admin API path {@code path}. */
    public void put(String path, Object body) {
        send(HttpRequest.newBuilder(URI.create(url + "/admin/realms" + path))
                .header("Content-Type", "application/json")
                .PUT(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(write(body))));
    }

    /** GETs the admin API path {@code path} as JSON. */
    public JsonNode get(String path) {
        try {
            return json.readTree(send(HttpRequest.newBuilder(URI.create(url + "/admin/realms" + path)).GET()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.header("Authorization", "Bearer " + adminToken())
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(request.build().method() + " " + request.build().uri() + ": "
                        + response.statusCode() + " " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A fresh token of the bootstrap admin (they live a minute; the tests outlast that). */
    private String adminToken() {
        return token("master", Map.of("client_id", "admin-cli", "grant_type", "password", "username", ADMIN, "password", ADMIN))
                .get("access_token").asText();
    }

    /** A token from the password grant of {@code client} in {@code realm} (the client must allow direct access grants). */
    public JsonNode passwordGrant(String realm, String client, String secret, String username, String password) {
        return token(realm, Map.of("client_id", client, "client_secret", secret, "grant_type", "password",
                "username", username, "password", password, "scope", "openid"));
    }

    /** The token endpoint's answer to {@code form} in {@code realm}; 200 or fails. */
    private JsonNode token(String realm, Map<String, String> form) {
        String body = form.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(java.util.stream.Collectors.joining("&"));
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(realmUrl(realm) + "/protocol/openid-connect/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded").timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("token endpoint of realm " + realm + ": " + response.statusCode() + " " + response.body());
            }
            return json.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private int status(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private String write(Object body) {
        try {
            return json.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path unzip(Path zip, Path dir) throws IOException {
        Path top = null;
        try (InputStream in = Files.newInputStream(zip); ZipInputStream entries = new ZipInputStream(in)) {
            for (ZipEntry entry; (entry = entries.getNextEntry()) != null; ) {
                Path target = dir.resolve(entry.getName()).normalize();
                if (!target.startsWith(dir)) {
                    throw new IOException("zip entry outside the target: " + entry.getName());
                }
                if (top == null) {
                    top = dir.resolve(dir.relativize(target).getName(0));
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(entries, target);
                }
            }
        }
        if (top == null) {
            throw new IOException(zip + " is empty");
        }
        return top;
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
