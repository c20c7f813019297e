package io.authtier.runtime.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** Suggests the field that a misspelt one probably meant ({@code audience} → {@code audiences}). */
public final class ClosestName {

    private ClosestName() {
    }

    /** The candidate nearest to {@code input}, if any is near enough to be a plausible typo. */
    public static Optional<String> of(String input, Collection<String> candidates) {
        String typed = input.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            String name = candidate.toLowerCase(Locale.ROOT);
            // A part of the name (clientSecret → clientSecretFile, algorithms → allowedAlgorithms) is as
            // good as one edit.
            boolean part = typed.length() >= 4 && (name.startsWith(typed) || name.endsWith(typed));
            int distance = part ? 1 : editDistance(typed, name);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        int allowed = Math.max(1, Math.min(3, typed.length() / 3));
        return bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }

    /** Edits (insert, delete, replace, swap two neighbours) that turn {@code a} into {@code b}. */
    static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j], d[i][j - 1]) + 1);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
