package io.authtier.runtime.http;

import io.authtier.runtime.token.Principal;
import java.util.List;

/** What an authenticated principal must satisfy to pass; otherwise the answer is 403. */
@FunctionalInterface
public interface Access {
    /** Every authenticated principal passes. */
    Access ANYONE = principal -> true;
    /** No principal passes: used when the rules that apply cannot be known (fail closed). */
    Access NOBODY = principal -> false;

    boolean permits(Principal principal);

    /** Passes when every one of {@code rules} does. */
    static Access allOf(List<? extends Access> rules) {
        var copy = List.copyOf(rules);
        return principal -> copy.stream().allMatch(rule -> rule.permits(principal));
    }
}
