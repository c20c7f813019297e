package io.authtier.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.authtier.runtime.token.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("AccessRule")
class AccessRuleTest {

    private static final Principal ADA = new Principal("https://idp", "ada", Optional.empty(), Optional.empty(),
            List.of("staff"), List.of("reader"), List.of("openid", "orders:read"), Instant.EPOCH, Principal.Method.JWT);

    @Test
    @DisplayName("Reads comma lists, repeated and URL-encoded parameters, and ignores others")
    void parse() {
        AccessRule rule = AccessRule.fromQuery("allowed_groups=a,b&allowed_groups=%2Fteam%20x&required_scopes=s1&rd=https%3A%2F%2Fx");

        assertThat(rule.allowedGroups()).containsExactlyInAnyOrder("a", "b", "/team x");
        assertThat(rule.requiredScopes()).containsExactly("s1");
        assertThat(rule.allowedRoles()).isEmpty();
        assertThat(AccessRule.fromQuery(null)).isSameAs(AccessRule.NONE);
        assertThat(AccessRule.fromQuery("foo=bar")).isSameAs(AccessRule.NONE);
        // Names that only share letters with a rule are not taken for a misspelt one
        assertThat(AccessRule.fromQuery("groupId=7&scoped=1&roleplay=x&format=json&s=1&x")).isSameAs(AccessRule.NONE);
    }

    @Test
    @DisplayName("Groups and roles need one match, scopes need all")
    void permits() {
        assertThat(new AccessRule(Set.of("staff", "x"), Set.of(), Set.of()).permits(ADA)).isTrue();
        assertThat(new AccessRule(Set.of("x"), Set.of(), Set.of()).permits(ADA)).isFalse();
        assertThat(new AccessRule(Set.of(), Set.of("reader"), Set.of("openid", "orders:read")).permits(ADA)).isTrue();
        assertThat(new AccessRule(Set.of(), Set.of(), Set.of("openid", "orders:write")).permits(ADA)).isFalse();
        assertThat(AccessRule.NONE.permits(ADA)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"allowed_groups=", "allowed_groups", "allowed_roles=%20,%20", "required_scopes=,",
        "allowed_groups=a&allowed_roles="})
    @DisplayName("A rule named without a value is refused (an empty template variable would let everyone in)")
    void emptyRuleRefused(String query) {
        assertThatThrownBy(() -> AccessRule.fromQuery(query))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("without a value");
    }

    @ParameterizedTest
    @CsvSource({
        "allowed_group=admins,   allowed_groups",
        "ALLOWED_GROUPS=admins,  allowed_groups",
        "allowed_role=x,         allowed_roles",
        "required_scope=s,       required_scopes"})
    @DisplayName("A parameter that looks like a misspelt rule is refused, naming the rule it probably meant")
    void lookalikeRefused(String query, String meant) {
        assertThatThrownBy(() -> AccessRule.fromQuery(query))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("did you mean " + meant);
        assertThatThrownBy(() -> AccessRule.fromQuery("allowed_emails=a@b"))
                .hasMessageContaining("the rules are allowed_groups, allowed_roles, required_scopes");
    }

    @ParameterizedTest
    @CsvSource({
        "group=admins,           allowed_groups",
        "groups=admins,          allowed_groups",
        "Group=admins,           allowed_groups",
        "allowedGroups=admins,   allowed_groups",
        "allowed-groups=admins,  allowed_groups",
        "allowed_group=admins,   allowed_groups",
        "role=x,                 allowed_roles",
        "ROLES=x,                allowed_roles",
        "allowedRoles=x,         allowed_roles",
        "allow-role=x,           allowed_roles",
        "scope=s,                required_scopes",
        "Scopes=s,               required_scopes",
        "required_scope=s,       required_scopes",
        "requiredScopes=s,       required_scopes",
        "required-scopes=s,      required_scopes",
        "REQUIRED_SCOPE=s,       required_scopes"})
    @DisplayName("A rule's word without its prefix, in the singular, in camel case or with hyphens is refused as a misspelt rule")
    void variantsRefused(String query, String meant) {
        // When the query names a rule in a form the runtime does not read
        // Then it is refused, naming the rule it probably meant, rather than ignored (which would let everyone in)
        assertThatThrownBy(() -> AccessRule.fromQuery("rd=%2F&" + query))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + query.substring(0, query.indexOf('=')) + "'")
                .hasMessageContaining("did you mean " + meant);
    }
}
