package io.authtier.runtime.config;

import static io.authtier.runtime.config.Configs.MINIMAL;
import static io.authtier.runtime.config.Configs.problemsOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Problems with the file's structure")
class StructureProblemsTest {

    @Test
    @DisplayName("A misspelt field is reported at its full path with the field that was meant")
    void unknownFieldWithSuggestion() {
        // Given an issuer with `audience` instead of `audiences`
        String yaml = """
                issuers:
                - name: main
                  issuerUrl: https://keycloak.example.com/realms/shop
                  audiences: [shop-api]
                - name: partner
                  issuerUrl: https://partner.example.com
                  audiences: [a]
                  audence: [partner-api]
                """;

        // When it is loaded
        List<ConfigProblem> problems = problemsOf(yaml);

        // Then the second issuer's field is named, with a suggestion
        assertThat(problems).containsExactly(
                new ConfigProblem("issuers[1].audence", "unknown field; did you mean 'audiences'?"));
        assertThat(problems.getFirst()).hasToString("issuers[1].audence: unknown field; did you mean 'audiences'?");
    }

    @Test
    @DisplayName("An unknown field like nothing known lists the fields that are")
    void unknownFieldListsKnownOnes() {
        // Given the operator's CR field `mode` in the runtime's redis section
        String yaml = MINIMAL + """
                redis:
                  mode: Cluster
                  endpoints: [redis:6379]
                """;

        // When it is loaded
        List<ConfigProblem> problems = problemsOf(yaml);

        // Then the known fields are listed
        assertThat(problems).containsExactly(new ConfigProblem("redis.mode",
                "unknown field; expected one of: topology, endpoints, passwordFile, tls"));
    }

    @Test
    @DisplayName("An unknown top-level field is reported by its name")
    void unknownTopLevelField() {
        // Given a top-level `session` instead of `sessions`
        String yaml = MINIMAL + "session: {idleTimeout: 1h}\n";

        // When it is loaded
        List<ConfigProblem> problems = problemsOf(yaml);

        // Then
        assertThat(problems).containsExactly(new ConfigProblem("session", "unknown field; did you mean 'sessions'?"));
    }

    @Test
    @DisplayName("A field of the wrong type names the type expected and the type found")
    void wrongTypes() {
        // Given a string port, a list where a mapping goes, a number where a string goes, a string where a list goes
        String yaml = """
                server:
                  port: "8080"
                  trustedProxies: 10.0.0.0/8
                issuers:
                - name: main
                  issuerUrl: https://keycloak.example.com/realms/shop
                  audiences: [shop-api]
                  introspection: [authtier]
                tokenCache:
                  l2: {enabled: "yes please"}
                sessions:
                  cookie: {name: 12345}
                redis:
                  endpoints: [redis:6379]
                  tls: 1
                """;

        // When it is loaded
        List<ConfigProblem> problems = problemsOf(yaml);

        // Then each is named with what was expected
        assertThat(problems).containsExactly(
                new ConfigProblem("server.port", "expected an integer, got a string"),
                new ConfigProblem("server.trustedProxies", "expected a list of strings, got a string"),
                new ConfigProblem("issuers[0].introspection", "expected a mapping, got a list"),
                new ConfigProblem("tokenCache.l2.enabled", "expected true or false, got a string"),
                new ConfigProblem("sessions.cookie.name", "expected a string, got an integer; put it in quotes"),
                new ConfigProblem("redis.tls", "expected true or false, got an integer"));
    }

    @Test
    @DisplayName("An integer beyond what the field can hold is named with the limit, not lost in an overflow")
    void integerOutOfRange() {
        String yaml = """
                server:
                  port: 99999999999
                  maxTokenBytes: -99999999999
                issuers:
                - name: main
                  issuerUrl: https://keycloak.example.com/realms/shop
                  audiences: [shop-api]
                """;

        assertThat(problemsOf(yaml)).containsExactly(
                new ConfigProblem("server.port", "99999999999 is too large: an integer here is at most 2147483647"),
                new ConfigProblem("server.maxTokenBytes", "-99999999999 is too small: an integer here is at least -2147483648"));
    }

    @Test
    @DisplayName("Several problems are reported together, in the order of the file")
    void allProblemsTogether() {
        // Given a file with five unrelated mistakes
        String yaml = """
                server:
                  port: 0
                issuers:
                - name: main
                  issuerUrl: https://keycloak.example.com/realms/shop
                  audiences: []
                  clockSkew: 10m
                resilience:
                  retry: {maxAttempts: 11}
                sessions:
                  store: Disk
                """;

        // When it is loaded
        List<ConfigProblem> problems = problemsOf(yaml);

        // Then all five are reported, not only the first
        assertThat(problems).extracting(ConfigProblem::path).containsExactly(
                "server.port", "issuers[0].audiences", "issuers[0].clockSkew", "resilience.retry.maxAttempts", "sessions.store");
    }

    @Test
    @DisplayName("A missing required field says what to put there")
    void requiredFields() {
        // Given an issuer with nothing but a name
        String yaml = """
                issuers:
                - name: main
                """;

        // When it is loaded
        List<ConfigProblem> problems = problemsOf(yaml);

        // Then both missing fields are reported with an example
        assertThat(problems).extracting(ConfigProblem::toString).containsExactly(
                "issuers[0].issuerUrl: required; the issuer's URL exactly as its tokens' iss claim has it, "
                        + "e.g. https://keycloak.example.com/realms/shop",
                "issuers[0].audiences: required; list the audiences a token may name in aud, e.g. [shop-api]");
    }

    @Test
    @DisplayName("A feature's section given with nothing under it is refused, not read as absent (which would turn the feature off)")
    void emptyFeatureSections() {
        String yaml = """
                issuers:
                - name: main
                  issuerUrl: https://idp.example.com
                  audiences: [api]
                  introspection:
                redis:
                sessions:
                  login:
                server:
                """;

        assertThat(problemsOf(yaml)).extracting(ConfigProblem::toString).containsExactlyInAnyOrder(
                "issuers[0].introspection: has nothing under it; give clientId and clientSecretFile, or leave introspection out "
                        + "(empty, it would silently turn its feature off)",
                "redis: has nothing under it; give endpoints (and topology, passwordFile, tls as needed), or leave redis out "
                        + "(empty, it would silently turn its feature off)",
                "sessions.login: has nothing under it; give issuer, clientId and allowedRedirectDomains, or leave login out "
                        + "(empty, it would silently turn its feature off)");
    }

    @Test
    @DisplayName("An empty file is missing its issuers")
    void emptyFile() {
        // Given an empty file
        // When it is loaded
        List<ConfigProblem> problems = problemsOf("");

        // Then the one required top-level field is reported
        assertThat(problems).singleElement().satisfies(problem -> {
            assertThat(problem.path()).isEqualTo("issuers");
            assertThat(problem.message()).startsWith("required; list at least one issuer");
        });
    }

    @Test
    @DisplayName("A list of issuers that is empty is refused")
    void emptyIssuers() {
        // Given `issuers: []`
        // When it is loaded
        List<ConfigProblem> problems = problemsOf("issuers: []\n");

        // Then
        assertThat(problems).containsExactly(new ConfigProblem("issuers", "must not be empty; list at least one issuer"));
    }

    @Test
    @DisplayName("An issuer that is not a mapping is reported, and the other issuers are still checked")
    void issuerNotAMapping() {
        // Given a stray string among the issuers and a good issuer with a typo
        String yaml = """
                issuers:
                - main
                - name: partner
                  issuerUrl: https://partner.example.com
                  audiences: [a]
                  algorithms: [RS256]
                """;

        // When it is loaded
        List<ConfigProblem> problems = problemsOf(yaml);

        // Then both are found
        assertThat(problems).containsExactly(
                new ConfigProblem("issuers[0]", "expected a mapping, got a string"),
                new ConfigProblem("issuers[1].algorithms", "unknown field; did you mean 'allowedAlgorithms'?"));
    }

    @Test
    @DisplayName("A document that is not a mapping is reported for the document as a whole")
    void topLevelNotAMapping() {
        // Given a YAML list
        // When it is loaded
        List<ConfigProblem> problems = problemsOf("- issuers\n");

        // Then the document is named, then the missing issuers
        assertThat(problems.getFirst()).isEqualTo(
                new ConfigProblem("", "expected a mapping (key: value lines) at the top level, got a list"));
        assertThat(problems.getFirst()).hasToString("expected a mapping (key: value lines) at the top level, got a list");
    }

    @Test
    @DisplayName("A YAML syntax error gives the line and column but no excerpt of the file")
    void syntaxError() {
        // Given broken YAML on the line of a (pasted) password
        String yaml = MINIMAL + "redis: {endpoints: [redis:6379], password: hunter2: x}\n";

        // When it is loaded
        List<ConfigProblem> problems = problemsOf(yaml);

        // Then the position is given and the line's text is not
        assertThat(problems).singleElement().satisfies(problem -> {
            assertThat(problem.path()).isEmpty();
            assertThat(problem.message()).startsWith("not valid YAML at line 5, column ");
            assertThat(problem.message()).doesNotContain("hunter2");
        });
    }

    @Test
    @DisplayName("An unquoted wildcard domain, which YAML reads as an alias, gets the fix")
    void unquotedWildcard() {
        // Given *.example.com without quotes
        String yaml = MINIMAL + """
                sessions:
                  login:
                    allowedRedirectDomains:
                    - *.example.com
                """;

        // When it is loaded
        List<ConfigProblem> problems = problemsOf(yaml);

        // Then the message says to quote it
        assertThat(problems).singleElement().extracting(ConfigProblem::message).asString()
                .startsWith("not valid YAML at line 8")
                .endsWith("quote a value that starts with *, e.g. '*.example.com'");
    }

    @Test
    @DisplayName("A YAML alias is refused with its field and line: the parser would read '*x' as the text x, not as the anchored value")
    void aliasesAreRefused() {
        // Given an alias to an anchored audience, an alias to nothing, and a merge key
        String toAnchor = """
                issuers:
                - name: main
                  issuerUrl: https://keycloak.example.com/realms/shop
                  audiences: [&x shop-api, *x]
                """;
        String toNothing = MINIMAL + "routes: [{pathPrefix: /admin, allowedGroups: [*admins]}]\n";
        String merged = MINIMAL + """
                tokenCache: &cache {negativeTtl: 5s}
                resilience:
                  <<: *cache
                """;

        // When they are loaded, then each is refused at the alias, and nothing of the file is quoted but the alias
        assertThat(problemsOf(toAnchor)).singleElement().extracting(ConfigProblem::message).asString()
                .startsWith("issuers[0].audiences[1] at line 4, column").contains("'*x' is a YAML alias").contains("write the value out");
        assertThat(problemsOf(toNothing)).singleElement().extracting(ConfigProblem::message).asString()
                .startsWith("routes[0].allowedGroups[0] at line 5").contains("'*admins' is a YAML alias");
        assertThat(problemsOf(merged)).singleElement().extracting(ConfigProblem::message).asString()
                .startsWith("resilience.<< at line 7").contains("'*cache' is a YAML alias");
    }

    @Test
    @DisplayName("A key given twice is refused rather than the last one silently winning")
    void duplicateKey() {
        // Given `port` twice
        String yaml = MINIMAL + """
                server:
                  port: 8080
                  port: 8081
                """;

        // When it is loaded
        List<ConfigProblem> problems = problemsOf(yaml);

        // Then
        assertThat(problems).singleElement().extracting(ConfigProblem::message).asString()
                .startsWith("not valid YAML at line 7").contains("Duplicate field 'port'");
    }

    @Test
    @DisplayName("A second YAML document in the file is refused rather than ignored")
    void secondDocument() {
        // Given two documents
        String yaml = MINIMAL + "---\nserver: {port: 1}\n";

        // When it is loaded
        List<ConfigProblem> problems = problemsOf(yaml);

        // Then
        assertThat(problems).singleElement().extracting(ConfigProblem::message).asString().startsWith("not valid YAML")
                .contains("more than one YAML document").doesNotContain("DeserializationFeature");
    }
}
