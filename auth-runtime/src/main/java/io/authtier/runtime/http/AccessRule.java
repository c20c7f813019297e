package io.authtier.runtime.http;

import io.authtier.runtime.config.ClosestName;
import io.authtier.runtime.token.Principal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What an authenticated principal must have to pass, from the query of the auth URL:
 * {@code /auth?allowed_groups=a,b&allowed_roles=r&required_scopes=s1,s2}. A principal passes when it is in
 * at least one allowed group (if any are named), has at least one allowed role (if any are named) and
 * has every required scope. Repeating a parameter adds to its list. A rule named without a value, or a
 * parameter that looks like a misspelt rule, is refused ({@link #fromQuery}); other parameters are ignored.
 *
 * @param allowedGroups  any one of these; empty means no group rule
 * @param allowedRoles   any one of these; empty means no role rule
 * @param requiredScopes all of these
 */
public record AccessRule(Set<String> allowedGroups, Set<String> allowedRoles, Set<String> requiredScopes)
        implements Access {

    private static final List<String> RULE_PARAMETERS = List.of("allowed_groups", "allowed_roles", "required_scopes");

    /** Each rule by its word, as a parameter names it once case, separators, prefix and plural are gone. */
    private static final Map<String, String> RULE_WORDS = Map.of(
            "group", "allowed_groups", "role", "allowed_roles", "scope", "required_scopes");

    /** No rule: every authenticated principal passes. */
    public static final AccessRule NONE = new AccessRule(Set.of(), Set.of(), Set.of());

    public AccessRule {
        allowedGroups = Set.copyOf(allowedGroups);
        allowedRoles = Set.copyOf(allowedRoles);
        requiredScopes = Set.copyOf(requiredScopes);
    }

    /**
     * Reads the rule from a raw (still encoded) query string; {@code null} or empty gives {@link #NONE}.
     *
     * @throws IllegalArgumentException when the query names a rule without a value ({@code allowed_groups=}, as
     *     an ingress template with an empty variable makes) or has a parameter that looks like a misspelt rule
     *     ({@code allowed_group}, {@code ALLOWED_GROUPS}, {@code group}, {@code roles}, {@code requiredScopes},
     *     {@code allowed_emails}): read as written, either would let everyone in, so the request is refused
     *     instead (fail closed). Other parameters are ignored.
     */
    public static AccessRule fromQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return NONE;
        }
        Set<String> groups = new LinkedHashSet<>();
        Set<String> roles = new LinkedHashSet<>();
        Set<String> scopes = new LinkedHashSet<>();
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            Set<String> target = switch (name) {
                case "allowed_groups" -> groups;
                case "allowed_roles" -> roles;
                case "required_scopes" -> scopes;
                default -> null;
            };
            if (target == null) {
                refuseLookalike(name);
                continue;
            }
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            List<String> names = Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
            if (names.isEmpty()) {
                throw new IllegalArgumentException("the auth URL's query has '" + name + "' without a value; name at least one "
                        + "(e.g. " + name + "=a,b) or leave the parameter out");
            }
            target.addAll(names);
        }
        return groups.isEmpty() && roles.isEmpty() && scopes.isEmpty() ? NONE : new AccessRule(groups, roles, scopes);
    }

    private static void refuseLookalike(String name) {
        Optional<String> meant = ruleMeant(name);
        String squashed = squashed(name);
        if (meant.isPresent() || squashed.startsWith("allowed") || squashed.startsWith("required")) {
            throw new IllegalArgumentException("the auth URL's query has the unknown parameter '" + name + "'; "
                    + meant.map(rule -> "did you mean " + rule + "? ").orElse("")
                    + "the rules are " + String.join(", ", RULE_PARAMETERS));
        }
    }

    /**
     * The rule that a parameter which is not one probably meant: a rule in another case ({@code ALLOWED_GROUPS}),
     * a rule's word with or without its prefix, plural or separators ({@code group}, {@code roles},
     * {@code allowedGroups}, {@code required-scope}), or a typo of a rule ({@code allowed_gruops}).
     */
    private static Optional<String> ruleMeant(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (RULE_PARAMETERS.contains(lower)) {
            return Optional.of(lower);
        }
        String word = squashed(name).replaceFirst("^(allowed|allow|required|require)", "").replaceFirst("s$", "");
        return Optional.ofNullable(RULE_WORDS.get(word)).or(() -> ClosestName.of(name, RULE_PARAMETERS));
    }

    /** {@code name} in lower case without separators: {@code Allowed-Groups} and {@code allowedGroups} alike. */
    private static String squashed(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[-_.]", "");
    }

    /** Whether {@code principal} passes this rule. */
    @Override
    public boolean permits(Principal principal) {
        return (allowedGroups.isEmpty() || principal.groups().stream().anyMatch(allowedGroups::contains))
                && (allowedRoles.isEmpty() || principal.roles().stream().anyMatch(allowedRoles::contains))
                && principal.scopes().containsAll(requiredScopes);
    }
}
