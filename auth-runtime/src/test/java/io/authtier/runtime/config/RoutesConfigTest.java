package io.authtier.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RoutesConfigTest {
    private static final String ISSUER = """
            issuers:
            - {name: main, issuerUrl: 'https://idp.example/realms/a', audiences: [api]}
            """;
    private final RuntimeConfigLoader loader = new RuntimeConfigLoader(file -> new SecretFileInspector.Readable(64));

    @Test
    @DisplayName("Routes load with their prefix and rules")
    void routesLoad() {
        var result = loader.parse(ISSUER + """
                routes:
                - {pathPrefix: /admin, allowedGroups: [admins], requiredScopes: [admin]}
                - {pathPrefix: /reports, allowedRoles: [analyst]}
                """);

        assertThat(result).isInstanceOfSatisfying(LoadResult.Loaded.class, loaded -> assertThat(loaded.config().routes())
                .containsExactly(new RouteConfig("/admin", List.of("admins"), List.of(), List.of("admin")),
                        new RouteConfig("/reports", List.of(), List.of("analyst"), List.of())));
    }

    @Test
    @DisplayName("A route without a rule, a repeated prefix, or a prefix that is not a path is refused by name")
    void badRoutes() {
        var result = loader.parse(ISSUER + """
                routes:
                - {pathPrefix: /open}
                - {pathPrefix: /a, allowedGroups: [x]}
                - {pathPrefix: /a, allowedRoles: [y]}
                - {pathPrefix: /a/, allowedRoles: [z]}
                - {pathPrefix: /A., allowedRoles: [w]}
                """);
        var notAPath = loader.parse(ISSUER + """
                routes:
                - {pathPrefix: 'admin?x=1', allowedGroups: [x]}
                """);

        assertThat(result).isInstanceOfSatisfying(LoadResult.Invalid.class, invalid -> assertThat(invalid.problems())
                .extracting(ConfigProblem::toString)
                .anyMatch(p -> p.startsWith("routes[0]: needs allowedGroups, allowedRoles or requiredScopes"))
                .anyMatch(p -> p.startsWith("routes[2].pathPrefix: '/a' guards the same paths as the prefix of routes[1] ('/a')"))
                .anyMatch(p -> p.startsWith("routes[3].pathPrefix: '/a/' guards the same paths as the prefix of routes[1] ('/a')"))
                .anyMatch(p -> p.startsWith("routes[4].pathPrefix: '/A.' guards the same paths as the prefix of routes[1] ('/a')")));
        assertThat(notAPath).isInstanceOfSatisfying(LoadResult.Invalid.class, invalid -> assertThat(invalid.problems())
                .extracting(ConfigProblem::path).containsExactly("routes[0].pathPrefix"));
    }

    @Test
    @DisplayName("A group, role or scope with spaces at its ends is refused by name, with the trimmed name as the fix")
    void namesWithSpacesAtTheirEnds() {
        var result = loader.parse(ISSUER + """
                routes:
                - {pathPrefix: /admin, allowedGroups: [' admins '], allowedRoles: ['ops '], requiredScopes: [' admin']}
                """);

        assertThat(result).isInstanceOfSatisfying(LoadResult.Invalid.class, invalid -> assertThat(invalid.problems())
                .extracting(ConfigProblem::toString)
                .anyMatch(p -> p.startsWith("routes[0].allowedGroups[0]:") && p.contains("write 'admins'"))
                .anyMatch(p -> p.startsWith("routes[0].allowedRoles[0]:") && p.contains("write 'ops'"))
                .anyMatch(p -> p.startsWith("routes[0].requiredScopes[0]:") && p.contains("write 'admin'")));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "'/%61dmin',       '/admin'",
        "'//secret',       '/secret'",
        "'/x/../internal', '/internal'",
        "'/admin;x=1',     '/admin'",
        "'/a/./b',         '/a/b'"})
    @DisplayName("A prefix not in the normal form that request paths are compared in is refused, naming that form")
    void prefixNotInNormalForm(String prefix, String normal) {
        var result = loader.parse(ISSUER + """
                routes:
                - {pathPrefix: '%s', allowedGroups: [admins]}
                """.formatted(prefix));

        assertThat(result).isInstanceOfSatisfying(LoadResult.Invalid.class, invalid -> assertThat(invalid.problems())
                .extracting(ConfigProblem::toString).singleElement().asString()
                .startsWith("routes[0].pathPrefix: '" + prefix + "' would guard nothing")
                .endsWith("write '" + normal + "'"));
    }

    @Test
    @DisplayName("Prefixes in normal form load: a trailing slash, non-ASCII letters, the root")
    void normalPrefixesLoad() {
        var result = loader.parse(ISSUER + """
                routes:
                - {pathPrefix: /api/, allowedGroups: [x]}
                - {pathPrefix: /café, allowedGroups: [x]}
                - {pathPrefix: /, allowedGroups: [x]}
                """);

        assertThat(result).isInstanceOf(LoadResult.Loaded.class);
    }
}
