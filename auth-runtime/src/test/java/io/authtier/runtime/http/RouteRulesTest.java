package io.authtier.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.runtime.config.RouteConfig;
import io.authtier.runtime.token.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouteRulesTest {
    private static final RouteRules RULES = new RouteRules(List.of(
            new RouteConfig("/admin", List.of("admins"), List.of(), List.of()),
            new RouteConfig("/admin/reports", List.of(), List.of(), List.of("reports")),
            new RouteConfig("/api/", List.of(), List.of("user"), List.of())));
    private static final Principal ADMIN = principal(List.of("admins"), List.of(), List.of());
    private static final Principal REPORTER = principal(List.of(), List.of(), List.of("reports"));

    @ParameterizedTest(name = "{0}: admin {1}, reporter {2}")
    @CsvSource({
        "/admin,                      true,  false",
        "/admin/users?x=1,            true,  false",
        "/admin/reports/q3,           false, true",
        "/public/../admin,            true,  false",
        "/public/%2e%2e/admin,        true,  false",
        "//admin,                     true,  false",
        "/administrator,              true,  true",
        "/api/orders,                 false, false",
        "/,                           true,  true",
        "/../admin,                   false, false",
        "/admin;jsessionid=1,         true,  false",
        "/x/..;/admin,                true,  false",
        "/admin%3Bx/users,            true,  false",
        "/admin%00,                   false, false",
        "/admin%0a,                   false, false",
        "/public%5c..%5cadmin,        false, false",
        "/public%5C..%5Cadmin,        false, false",
        "/x%C0%AF..%C0%AFadmin,       false, false",
        "/admin/[draft]|v2^.pdf,      true,  false",
        "/public/{x}/../../admin,     true,  false",
        "/files/[a]`b<c>\"d,          true,  true",
        "/admin/reports/a|b?q={x},    false, true",
        "'',                          false, false"})
    @DisplayName("The longest matching prefix decides, on the normalised path; an unreadable path lets nobody in")
    void longestPrefixOnNormalisedPath(String path, boolean admin, boolean reporter) {
        var access = RULES.forPath(path);
        assertThat(access.permits(ADMIN)).as("admin").isEqualTo(admin);
        assertThat(access.permits(REPORTER)).as("reporter").isEqualTo(reporter);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"/ADMIN", "/Admin/users", "/admin.", "/admin%20", "/admin.%20./users", "/AdMiN%2E/x", "/admin%20/reports."})
    @DisplayName("Letter case and dots or spaces at a segment's end do not escape a rule: IIS and other lenient servers serve these as /admin")
    void lenientServersSpellings(String path) {
        var user = principal(List.of(), List.of("user"), List.of());
        assertThat(RULES.forPath(path).permits(user)).isFalse();
        assertThat(RULES.forPath(path).permits(ADMIN) || RULES.forPath(path).permits(REPORTER)).isTrue();
        assertThat(RULES.forPath("/Admins-corner").permits(user)).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"/api", "/api/", "/api/orders", "/api;x=1", "/x/../api"})
    @DisplayName("A prefix with a trailing slash guards the path without it too, as lenient servers serve it with the same handler")
    void trailingSlash(String path) {
        var user = principal(List.of(), List.of("user"), List.of());
        assertThat(RULES.forPath(path).permits(ADMIN)).isFalse();
        assertThat(RULES.forPath(path).permits(user)).isTrue();
        assertThat(RULES.forPath("/apiary").permits(ADMIN)).isTrue();
    }

    private static Principal principal(List<String> groups, List<String> roles, List<String> scopes) {
        return new Principal("https://idp", "sub", Optional.empty(), Optional.empty(), groups, roles, scopes,
                Instant.now().plusSeconds(60), Principal.Method.JWT);
    }
}
