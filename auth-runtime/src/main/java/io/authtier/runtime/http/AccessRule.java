package io.authtier.runtime.http;

import io.authtier.runtime.token.Principal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What an authenticated principal must have to pass, from the query of the auth URL:
 * {@code /auth?allowed_groups=a,b&allowed_roles=r&required_scopes=s1,s2}. A principal passes when it is in
 * at least one allowed group (if any are named), has at least one allowed role (if any are named) and
 * has every required scope. Repeating a parameter adds to its list. Other parameters are ignored.
 *
 * @param allowedGroups  any one of these; empty means no group rule
 * @param allowedRoles   any one of these; empty means no role rule
 * @param requiredScopes all of these
 */
public record AccessRule(Set<String> allowedGroups, Set<String> allowedRoles, Set<String> requiredScopes)
        implements Access {

    /** No rule: every authenticated principal passes. */
    public static final AccessRule NONE = new AccessRule(Set.of(), Set.of(), Set.of());

    public AccessRule {
        allowedGroups = Set.copyOf(allowedGroups);
        allowedRoles = Set.copyOf(allowedRoles);
        requiredScopes = Set.copyOf(requiredScopes);
    }

    /** Reads the rule from a raw (still encoded) query string; {@code null} or empty gives {@link #NONE}. */
    public static AccessRule fromQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return NONE;
        }
        Set<String> groups = new LinkedHashSet<>();
        Set<String> roles = new LinkedHashSet<>();
        Set<String> scopes = new LinkedHashSet<>();
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            Set<String> target = switch (pair.substring(0, eq)) {
                case "allowed_groups" -> groups;
                case "allowed_roles" -> roles;
                case "required_scopes" -> scopes;
                default -> null;
            };
            if (target != null) {
                String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(target::add);
            }
        }
        return groups.isEmpty() && roles.isEmpty() && scopes.isEmpty() ? NONE : new AccessRule(groups, roles, scopes);
    }

    /** Whether {@code principal} passes this rule. */
    @Override
    public boolean permits(Principal principal) {
        return (allowedGroups.isEmpty() || principal.groups().stream().anyMatch(allowedGroups::contains))
                && (allowedRoles.isEmpty() || principal.roles().stream().anyMatch(allowedRoles::contains))
                && principal.scopes().containsAll(requiredScopes);
    }
}
