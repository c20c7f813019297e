package io.authtier.operator.dependents;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.reconcile.Labels;
import io.authtier.operator.reconcile.Names;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Whose an object is. The operator makes each object with its AuthTier as controller, and a person or a
 * GitOps tool may strip that reference. Like Kubernetes' own controllers, the tier adopts an object that has
 * no controller when its labels say it is the tier's ({@code managed-by} this operator, {@code instance} the
 * tier), and never takes one that another owner controls: another AuthTier (an older one of the same name,
 * whose garbage collection is pending) or anything else.
 */
public final class Ownership {
  private static final String AUTHTIER_KIND = HasMetadata.getKind(AuthTier.class);
  private static final String AUTHTIER_GROUP = HasMetadata.getGroup(AuthTier.class) + "/";

  private Ownership() {}

  /** The object's controller, if it has one (Kubernetes allows at most one). */
  public static Optional<OwnerReference> controller(HasMetadata object) {
    return references(object).stream().filter(r -> Boolean.TRUE.equals(r.getController())).findFirst();
  }

  /** An AuthTier of any version of the API. */
  public static boolean isAuthTier(OwnerReference reference) {
    return AUTHTIER_KIND.equals(reference.getKind()) && reference.getApiVersion() != null
        && reference.getApiVersion().startsWith(AUTHTIER_GROUP);
  }

  /** The tier is the object's controller: same uid, controller=true. */
  public static boolean controlledBy(HasMetadata object, AuthTier tier) {
    return controller(object).map(r -> Objects.equals(r.getUid(), tier.getMetadata().getUid())).orElse(false);
  }

  /** The tier's own object, or one without a controller that carries the tier's labels. */
  public static boolean claimable(HasMetadata object, AuthTier tier) {
    if (controller(object).isPresent()) {
      return controlledBy(object, tier);
    }
    var labels = Optional.ofNullable(object.getMetadata().getLabels()).orElse(Map.of());
    return Names.OPERATOR.equals(labels.get(Labels.MANAGED_BY))
        && tier.getMetadata().getName().equals(labels.get(Labels.INSTANCE));
  }

  /** The object's owner references with the tier as controller: the others kept, the tier's own replaced. */
  public static List<OwnerReference> withController(HasMetadata object, AuthTier tier) {
    var references = new ArrayList<OwnerReference>();
    references(object).stream().filter(r -> !Objects.equals(r.getUid(), tier.getMetadata().getUid()))
        .forEach(references::add);
    references.add(Metadata.ownerReference(tier));
    return references;
  }

  private static List<OwnerReference> references(HasMetadata object) {
    return Optional.ofNullable(object.getMetadata().getOwnerReferences()).orElse(List.of());
  }
}
