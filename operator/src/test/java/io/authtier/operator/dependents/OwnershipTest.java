package io.authtier.operator.dependents;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.reconcile.Labels;
import io.authtier.operator.reconcile.Names;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OwnershipTest {
  private static final Map<String, String> TIERS_LABELS = Map.of(Labels.MANAGED_BY, Names.OPERATOR,
      Labels.INSTANCE, "shop-auth");
  private final AuthTier tier = tier("shop-auth", "uid-1");

  @Test
  @DisplayName("The tier may claim its own object and an orphan with its labels; never another controller's, nor an unlabelled one")
  void claimable() {
    assertThat(Ownership.claimable(object(TIERS_LABELS, Metadata.ownerReference(tier)), tier)).isTrue();
    assertThat(Ownership.claimable(object(TIERS_LABELS), tier)).isTrue();
    assertThat(Ownership.claimable(object(TIERS_LABELS, Metadata.ownerReference(tier("shop-auth", "uid-0"))), tier))
        .as("an earlier AuthTier of the same name").isFalse();
    assertThat(Ownership.claimable(object(TIERS_LABELS, reference("apps/v1", "ReplicaSet", "rs", true)), tier))
        .as("another kind's").isFalse();
    assertThat(Ownership.claimable(object(Map.of()), tier)).as("made by hand").isFalse();
    assertThat(Ownership.claimable(object(Map.of(Labels.MANAGED_BY, Names.OPERATOR, Labels.INSTANCE, "other")), tier))
        .as("another tier's orphan").isFalse();
  }

  @Test
  @DisplayName("Only the tier as controller counts as controlled by it; a reference of its uid without controller=true does not")
  void controlledBy() {
    var ours = Metadata.ownerReference(tier);
    var notController = new OwnerReferenceBuilder(ours).withController(false).build();
    assertThat(Ownership.controlledBy(object(TIERS_LABELS, ours), tier)).isTrue();
    assertThat(Ownership.controlledBy(object(TIERS_LABELS, notController), tier)).isFalse();
    assertThat(Ownership.controlledBy(object(TIERS_LABELS), tier)).isFalse();
  }

  @Test
  @DisplayName("Putting the tier back as controller keeps other owners and replaces the tier's own stale reference")
  void withController() {
    var argo = reference("argoproj.io/v1alpha1", "Application", "shop", false);
    var stale = new OwnerReferenceBuilder(Metadata.ownerReference(tier)).withController(false).build();

    assertThat(Ownership.withController(object(TIERS_LABELS, argo, stale), tier))
        .containsExactly(argo, Metadata.ownerReference(tier));
  }

  @Test
  @DisplayName("An object's events go to the tier its instance label names and to the AuthTier that controls it")
  void mapper() {
    var mapper = new TierMapper<ConfigMap>();
    var shop = new ResourceID("shop-auth", "shop");

    assertThat(mapper.toPrimaryResourceIDs(object(TIERS_LABELS))).containsExactly(shop);
    assertThat(mapper.toPrimaryResourceIDs(object(Map.of(), Metadata.ownerReference(tier)))).containsExactly(shop);
    assertThat(mapper.toPrimaryResourceIDs(object(Map.of(Labels.INSTANCE, "other"), Metadata.ownerReference(tier))))
        .containsExactlyInAnyOrder(shop, new ResourceID("other", "shop"));
    assertThat(mapper.toPrimaryResourceIDs(object(Map.of(), reference("apps/v1", "ReplicaSet", "rs", true)))).isEmpty();
  }

  private static AuthTier tier(String name, String uid) {
    var tier = new AuthTier();
    tier.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("shop").withUid(uid).build());
    return tier;
  }

  private static OwnerReference reference(String apiVersion, String kind, String name, boolean controller) {
    return new OwnerReferenceBuilder().withApiVersion(apiVersion).withKind(kind).withName(name).withUid(name + "-uid")
        .withController(controller).build();
  }

  private static ConfigMap object(Map<String, String> labels, OwnerReference... owners) {
    return new ConfigMapBuilder().withNewMetadata().withName("shop-auth-config").withNamespace("shop")
        .withLabels(labels).withOwnerReferences(owners).endMetadata().build();
  }
}
