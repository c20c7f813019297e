package io.authtier.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

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
                """);
        var notAPath = loader.parse(ISSUER + """
                routes:
                - {pathPrefix: 'admin?x=1', allowedGroups: [x]}
                """);

        assertThat(result).isInstanceOfSatisfying(LoadResult.Invalid.class, invalid -> assertThat(invalid.problems())
                .extracting(ConfigProblem::toString)
                .anyMatch(p -> p.startsWith("routes[0]: needs allowedGroups, allowedRoles or requiredScopes"))
                .anyMatch(p -> p.startsWith("routes[2].pathPrefix: '/a' is already the prefix of routes[1]")));
        assertThat(notAPath).isInstanceOfSatisfying(LoadResult.Invalid.class, invalid -> assertThat(invalid.problems())
                .extracting(ConfigProblem::path).containsExactly("routes[0].pathPrefix"));
    }
}
