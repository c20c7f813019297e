package io.authtier.operator.install;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The operator's RBAC is what it does with the API, and no more. The tables below are the contract:
 * a rule that widens a grant fails here, and so does one that the operator would miss.
 */
@DisplayName("The operator's RBAC")
class RbacTest {
  private static final Set<String> READ = Set.of("get", "list", "watch");
  /** Owned kinds are created, replaced (PUT: no server-side apply for dependents) and deleted, never patched. */
  private static final Set<String> OWN = Set.of("get", "list", "watch", "create", "update", "delete");
  /** Owned kinds that live as long as the tier: garbage collection deletes them with it, the operator never does. */
  private static final Set<String> KEEP = Set.of("get", "list", "watch", "create", "update");

  /** Grants of the ClusterRole, as "group/resource" (core group as "core") to verbs. */
  private static final Map<String, Set<String>> CLUSTER_GRANTS = Map.ofEntries(
      entry("authtier.io/authtiers", READ),
      entry("authtier.io/authtiers/status", Set.of("patch")),
      entry("authtier.io/authtiers/finalizers", Set.of("update")),
      entry("core/configmaps", OWN),
      entry("core/services", OWN),
      entry("core/serviceaccounts", KEEP),
      entry("apps/deployments", KEEP),
      entry("apps/statefulsets", OWN),
      entry("policy/poddisruptionbudgets", OWN),
      entry("networking.k8s.io/networkpolicies", OWN),
      entry("autoscaling/horizontalpodautoscalers", OWN),
      entry("monitoring.coreos.com/servicemonitors", Set.of("get", "create", "update", "delete")),
      entry("monitoring.coreos.com/prometheusrules", Set.of("get", "create", "update", "delete")),
      entry("apiextensions.k8s.io/customresourcedefinitions[prometheusrules.monitoring.coreos.com, servicemonitors.monitoring.coreos.com]",
          Set.of("get")),
      entry("core/secrets", OWN),
      entry("core/pods", Set.of("list")),
      entry("core/events", Set.of("create")));

  /**
   * Grants of the leader-election Role, as "group/resource[names]". `create` cannot be limited to a
   * name; the rest is limited to the Lease that the operator uses (RunCommand.LEASE). fabric8 renews
   * the Lease with a merge patch; java-operator-sdk checks for get, create and update at start-up.
   */
  private static final Map<String, Set<String>> LEASE_GRANTS = Map.of(
      "coordination.k8s.io/leases", Set.of("create"),
      "coordination.k8s.io/leases[authtier-operator]", Set.of("get", "update", "patch"));

  @Test
  @DisplayName("No rule of any Role or ClusterRole has * in its verbs, resources or API groups")
  void noWildcards() {
    // Given every rule of every Role and ClusterRole
    var rules = Stream.concat(
        InstallFiles.allObjects().stream().filter(ClusterRole.class::isInstance).map(ClusterRole.class::cast)
            .flatMap(role -> role.getRules().stream()),
        InstallFiles.allObjects().stream().filter(Role.class::isInstance).map(Role.class::cast)
            .flatMap(role -> role.getRules().stream()))
        .toList();

    // Then none of them grants with a wildcard, or grants non-resource URLs
    assertThat(rules).isNotEmpty().allSatisfy(rule -> {
      assertThat(rule.getVerbs()).doesNotContain("*");
      assertThat(rule.getResources()).doesNotContain("*").allSatisfy(r -> assertThat(r).doesNotEndWith("/*"));
      assertThat(rule.getApiGroups()).doesNotContain("*");
      assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
    });
  }

  @Test
  @DisplayName("The ClusterRole grants exactly the verbs that the operator uses, per resource")
  void clusterRoleIsExact() {
    // Given the ClusterRole
    var role = InstallFiles.only(ClusterRole.class);

    // When its rules are flattened to resource and verbs
    var grants = grants(role.getRules());

    // Then they are the table, no more and no less, and none is an aggregation
    assertThat(grants).isEqualTo(new TreeMap<>(CLUSTER_GRANTS));
    assertThat(role.getAggregationRule()).isNull();
  }

  @Test
  @DisplayName("The Lease rules live in a Role in the operator's namespace, not in the ClusterRole")
  void leasesInANamespacedRole() {
    // Given the ClusterRole, the Role and the operator's Deployment
    var clusterRole = InstallFiles.only(ClusterRole.class);
    var role = InstallFiles.only(Role.class);
    var deployment = InstallFiles.only(Deployment.class);

    // Then the ClusterRole says nothing of leases
    assertThat(clusterRole.getRules()).noneSatisfy(rule -> assertThat(rule.getApiGroups())
        .contains("coordination.k8s.io"));
    // And the Role, in the namespace of the operator's pods (POD_NAMESPACE), grants exactly leader election
    assertThat(role.getMetadata().getNamespace()).isEqualTo(deployment.getMetadata().getNamespace());
    assertThat(grants(role.getRules())).isEqualTo(new TreeMap<>(LEASE_GRANTS));
  }

  @Test
  @DisplayName("The ClusterRoleBinding gives the ClusterRole to the operator's ServiceAccount")
  void clusterRoleBindingBindsTheServiceAccount() {
    // Given the binding, the role and the ServiceAccount of manifests/
    var binding = InstallFiles.only(ClusterRoleBinding.class);
    var role = InstallFiles.only(ClusterRole.class);
    var account = InstallFiles.only(ServiceAccount.class);

    // Then the binding refers to both
    assertThat(binding.getRoleRef().getApiGroup()).isEqualTo("rbac.authorization.k8s.io");
    assertThat(binding.getRoleRef().getKind()).isEqualTo("ClusterRole");
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(binding.getSubjects()).singleElement().satisfies(subject -> isTheAccount(subject, account));
  }

  @Test
  @DisplayName("The RoleBinding gives the leader-election Role to the operator's ServiceAccount, in the same namespace")
  void roleBindingBindsTheServiceAccount() {
    // Given the binding, the role and the ServiceAccount of manifests/
    var binding = InstallFiles.only(RoleBinding.class);
    var role = InstallFiles.only(Role.class);
    var account = InstallFiles.only(ServiceAccount.class);

    // Then the binding refers to both, beside the role
    assertThat(binding.getMetadata().getNamespace()).isEqualTo(role.getMetadata().getNamespace());
    assertThat(binding.getRoleRef().getApiGroup()).isEqualTo("rbac.authorization.k8s.io");
    assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(binding.getSubjects()).singleElement().satisfies(subject -> isTheAccount(subject, account));
  }

  private static void isTheAccount(Subject subject, ServiceAccount account) {
    assertThat(subject.getKind()).isEqualTo("ServiceAccount");
    assertThat(subject.getName()).isEqualTo(account.getMetadata().getName());
    assertThat(subject.getNamespace()).isEqualTo(account.getMetadata().getNamespace());
  }

  /** Rules as "group/resource[names]" to the union of their verbs. */
  private static Map<String, Set<String>> grants(List<PolicyRule> rules) {
    var grants = new TreeMap<String, Set<String>>();
    for (var rule : rules) {
      var names = rule.getResourceNames() == null || rule.getResourceNames().isEmpty()
          ? "" : new ArrayList<>(new TreeSet<>(rule.getResourceNames())).toString();
      for (var group : rule.getApiGroups()) {
        for (var resource : rule.getResources()) {
          var key = (group.isEmpty() ? "core" : group) + "/" + resource + names;
          grants.computeIfAbsent(key, k -> new TreeSet<>()).addAll(rule.getVerbs());
        }
      }
    }
    return grants;
  }
}
