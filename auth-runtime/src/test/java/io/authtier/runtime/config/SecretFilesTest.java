package io.authtier.runtime.config;

import static io.authtier.runtime.config.Configs.MINIMAL;
import static io.authtier.runtime.config.Configs.configOf;
import static io.authtier.runtime.config.Configs.problemsOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Secret files")
class SecretFilesTest {

    private static final String SECRET = "TOP-SECRET-VALUE-7f3a9c1e-do-not-print";

    @TempDir
    Path secrets;

    @Test
    @DisplayName("A missing secret file names the path and how to fix it")
    void missingFile() {
        // Given an introspection secret at a path with no file
        Path absent = secrets.resolve("oidc/secret");

        // When it is loaded
        List<ConfigProblem> problems = problemsOf(introspection(absent.toString()));

        // Then
        assertThat(problems).containsExactly(new ConfigProblem("issuers[0].introspection.clientSecretFile",
                "file %s does not exist; mount the Secret there or correct the path".formatted(absent)));
    }

    @Test
    @DisplayName("A directory is not a secret file")
    void directory() {
        // Given the Secret's mount directory instead of a file in it
        // When it is loaded
        List<ConfigProblem> problems = problemsOf(introspection(secrets.toString()));

        // Then the message says to name the key's file
        assertThat(problems).singleElement().extracting(ConfigProblem::message).asString()
                .isEqualTo("%s is not a regular file; name the file inside the mounted Secret, e.g. %s/<key>", secrets, secrets);
    }

    @Test
    @DisplayName("An empty secret file is refused")
    void emptyFile() {
        // Given an empty secret file
        Path empty = Configs.secretFile(secrets, "empty", "");

        // When it is loaded
        List<ConfigProblem> problems = problemsOf(introspection(empty.toString()));

        // Then
        assertThat(problems).containsExactly(new ConfigProblem("issuers[0].introspection.clientSecretFile",
                "file %s is empty; put the secret in it".formatted(empty)));
    }

    @Test
    @DisplayName("A relative path is refused, and the value is not repeated in case it is the secret itself")
    void relativePath() {
        // Given the secret pasted where its path belongs
        // When it is loaded
        List<ConfigProblem> problems = problemsOf(introspection(SECRET));

        // Then the message explains the field and does not show the value
        assertThat(problems).singleElement().satisfies(problem -> {
            assertThat(problem.path()).isEqualTo("issuers[0].introspection.clientSecretFile");
            assertThat(problem.message()).startsWith("must be the absolute path of a file holding the secret")
                    .doesNotContain(SECRET);
        });
    }

    @Test
    @DisplayName("A cookie signing key shorter than 32 bytes is refused")
    void shortSigningKey() {
        // Given a 31-byte key
        Path key = Configs.secretFile(secrets, "k1", "k".repeat(31));

        // When it is loaded
        List<ConfigProblem> problems = problemsOf(MINIMAL + "sessions: {cookie: {signingKeys: [{id: k1, file: %s}]}}\n".formatted(key));

        // Then the message says how to make a long enough one
        assertThat(problems).singleElement().satisfies(problem -> {
            assertThat(problem.path()).isEqualTo("sessions.cookie.signingKeys[0].file");
            assertThat(problem.message()).isEqualTo(
                    "file %s is shorter than 32 bytes; generate a key with: head -c 32 /dev/urandom > %s", key, key);
        });
    }

    @Test
    @DisplayName("The login client secret and the Redis password are checked when set")
    void optionalSecretFilesChecked() {
        // Given both optional secret files pointing nowhere
        Path key = Configs.signingKey(secrets, "k1");
        String yaml = MINIMAL + """
                sessions:
                  cookie: {signingKeys: [{id: k1, file: %s}]}
                  login: {issuer: main, clientId: web, clientSecretFile: /nonexistent/web, allowedRedirectDomains: [a.example]}
                redis: {endpoints: ['redis:6379'], passwordFile: /nonexistent/redis}
                """.formatted(key);

        // When it is loaded
        List<ConfigProblem> problems = problemsOf(yaml);

        // Then both are reported
        assertThat(problems).extracting(ConfigProblem::path)
                .containsExactly("sessions.login.clientSecretFile", "redis.passwordFile");
    }

    @Test
    @DisplayName("What is in a secret file never appears in a message or in the loaded configuration")
    void secretContentNeverShown() throws IOException {
        // Given secret files holding a recognisable value, used by a valid file and by broken ones
        Path secret = Configs.secretFile(secrets, "secret", SECRET);
        Path key = Configs.secretFile(secrets, "key", SECRET + SECRET);
        Path shortKey = Configs.secretFile(secrets, "short", "TOP-SECRET");
        String valid = MINIMAL.replace("audiences: [shop-api]", """
                audiences: [shop-api]
                  introspection: {clientId: authtier, clientSecretFile: %s}""".formatted(secret)) + """
                sessions:
                  cookie: {signingKeys: [{id: k1, file: %s}]}
                  login: {issuer: main, clientId: web, clientSecretFile: %s, allowedRedirectDomains: [a.example]}
                redis: {endpoints: ['redis:6379'], passwordFile: %s}
                """.formatted(key, secret, secret);
        List<String> broken = List.of(
                valid.replace("file: " + key, "file: " + shortKey),
                valid.replace("id: k1", "id: 'k 1'").replace("issuer: main", "issuer: nobody"),
                valid.replace("clientSecretFile: " + secret, "clientSecretFile: " + SECRET),
                valid.replace("redis:6379", "redis") + "sessionz: {}\n",
                valid.replace("issuer: main", "issuer: nobody") + "server: {port: 8080, managementPort: 8080}\n");

        // When they are loaded
        RuntimeConfig config = configOf(valid);
        List<String> messages = broken.stream()
                .flatMap(yaml -> problemsOf(yaml).stream())
                .map(ConfigProblem::toString)
                .toList();

        // Then neither the configuration's text nor any message holds the secret
        assertThat(messages).hasSizeGreaterThanOrEqualTo(broken.size()).noneMatch(message -> message.contains("TOP-SECRET"));
        assertThat(config.toString()).contains(secret.toString()).doesNotContain("TOP-SECRET");
        assertThat(config.summary()).doesNotContain("TOP-SECRET").doesNotContain(secrets.toString());
        assertThat(Files.readString(secret)).isEqualTo(SECRET);
    }

    @Test
    @DisplayName("A given inspector is asked instead of the disk, e.g. for secrets mounted later in a pod")
    void inspectorReplacesDisk() {
        // Given an inspector that sees every file as a readable 64-byte file
        RuntimeConfigLoader loader = new RuntimeConfigLoader(file -> new SecretFileInspector.Readable(64));
        String yaml = introspection("/etc/authtier/secrets/oidc/secret");

        // When a file naming secrets that are not on this disk is loaded
        LoadResult result = loader.parse(yaml);

        // Then it is valid
        assertThat(result).isInstanceOf(LoadResult.Loaded.class);
    }

    @Test
    @DisplayName("An unreadable secret file says to fix its permissions")
    void unreadableFile() {
        // Given an inspector that finds the file but may not read it (tests run as root, who reads everything)
        RuntimeConfigLoader loader = new RuntimeConfigLoader(file -> new SecretFileInspector.Unreadable());

        // When a file naming it is loaded
        LoadResult result = loader.parse(introspection("/etc/authtier/secrets/oidc/secret"));

        // Then
        assertThat(result).isEqualTo(new LoadResult.Invalid(List.of(new ConfigProblem("issuers[0].introspection.clientSecretFile",
                "file /etc/authtier/secrets/oidc/secret is not readable by the runtime's user; "
                        + "fix its permissions (or the volume's defaultMode)"))));
    }

    private static String introspection(String secretFile) {
        return """
                issuers:
                - name: main
                  issuerUrl: https://keycloak.example.com/realms/shop
                  audiences: [shop-api]
                  introspection: {clientId: authtier, clientSecretFile: '%s'}
                """.formatted(secretFile);
    }
}
