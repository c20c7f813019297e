package io.authtier.operator.reconcile;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import java.util.Optional;

/**
 * An object the tier would create that already exists and is not the tier's: another AuthTier's object of
 * that name (tier {@code shop-redis}'s runtime Service and tier {@code shop}'s Redis Service are both named
 * {@code shop-redis}), one made by hand or controlled by another owner, or one whose
 * {@code app.kubernetes.io/managed-by} label was taken off, so that the operator no longer sees it. Retrying
 * cannot help; a person must rename or remove one.
 */
final class NameConflicts {
  private NameConflicts() {}

  /** What to tell the person, if {@code error} (or one of the workflow's errors it gathers) is such a conflict. */
  static Optional<String> of(Throwable error) {
    for (var cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof KubernetesClientException k && k.getCode() == 409 && alreadyExists(k)) {
        return Optional.of(what(k) + " and is not this AuthTier's (another AuthTier's object of that name,"
            + " one made by hand or controlled by another owner, or one whose app.kubernetes.io/managed-by label was"
            + " removed); rename this AuthTier, or delete that object, or give it back its labels");
      }
      if (cause instanceof AggregatedOperatorException aggregated) {
        var found = aggregated.getAggregatedExceptions().values().stream().map(NameConflicts::of)
            .flatMap(Optional::stream).findFirst();
        if (found.isPresent()) {
          return found;
        }
      }
    }
    return Optional.empty();
  }

  private static boolean alreadyExists(KubernetesClientException k) {
    var status = k.getStatus();
    return status != null && "AlreadyExists".equals(status.getReason())
        || k.getMessage() != null && k.getMessage().contains("already exists");
  }

  /** The API server's own words ({@code configmaps "shop-redis-config" already exists}), or its details. */
  private static String what(KubernetesClientException k) {
    var status = k.getStatus();
    if (status != null && status.getMessage() != null && status.getMessage().contains("already exists")) {
      return status.getMessage().replaceAll("[.\\s]+$", "");
    }
    var details = status == null ? null : status.getDetails();
    return details == null || details.getName() == null ? "An object this AuthTier creates already exists"
        : details.getKind() + " " + details.getName() + " already exists";
  }
}
