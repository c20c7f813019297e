package io.authtier.operator.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.authtier.operator.api.v1alpha1.AutoscalingSpec;
import io.authtier.operator.api.v1alpha1.IssuerSpec;
import io.authtier.operator.api.v1alpha1.MonitoringSpec;
import io.authtier.operator.support.OperatorHarness;
import io.authtier.operator.support.Repo;
import io.authtier.operator.support.Tiers;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link RbacTest} holds the ClusterRole to a table; this holds the operator's real API calls to the ClusterRole:
 * every request it sends while it runs every sample, with the Prometheus Operator installed, and turns autoscaling
 * and monitoring off, must be one that manifests/ grants it. A call that the manifests lack would be a 403 in a
 * cluster (a tier Stalled as Rejected, or an informer that never syncs), which the mock API server cannot show.
 */
@DisplayName("The operator's API calls")
class RbacConformanceTest {
  /** Granted to every authenticated user by the default roles system:discovery and system:basic-user. */
  private static final Set<String> ANYONE = Set.of(
      "create authorization.k8s.io/selfsubjectrulesreviews", "create authorization.k8s.io/selfsubjectaccessreviews");

  private final OperatorHarness harness = OperatorHarness.start().withReadyWorkloads();

  @AfterEach
  void stop() {
    harness.close();
  }

  /** One request as the API server's authorizer sees it. */
  record Attributes(String verb, String group, String resource, String namespace, String name, String line) {
    static Attributes of(RecordedRequest request) {
      var pathAndQuery = request.getPath().split("\\?", 2);
      var query = pathAndQuery.length > 1 ? pathAndQuery[1] : "";
      var segments = Arrays.stream(pathAndQuery[0].split("/")).filter(s -> !s.isEmpty()).toList();
      var line = request.getMethod() + " " + request.getPath();
      if (segments.isEmpty() || !(segments.get(0).equals("api") && segments.size() >= 2
          || segments.get(0).equals("apis") && segments.size() >= 3)) {
        return new Attributes(request.getMethod(), null, null, null, null, line); // discovery, not a resource
      }
      var group = segments.get(0).equals("api") ? "" : segments.get(1);
      var rest = new ArrayList<>(segments.subList(segments.get(0).equals("api") ? 2 : 3, segments.size()));
      String namespace = null;
      if (rest.size() >= 3 && rest.get(0).equals("namespaces")) {
        namespace = rest.get(1);
        rest = new ArrayList<>(rest.subList(2, rest.size()));
      }
      var resource = rest.isEmpty() ? "" : rest.get(0) + (rest.size() > 2 ? "/" + rest.get(2) : "");
      var name = rest.size() > 1 ? rest.get(1) : null;
      var watch = Arrays.asList(query.split("&")).contains("watch=true");
      var verb = switch (request.getMethod()) {
        case "GET" -> name != null ? "get" : watch ? "watch" : "list";
        case "POST" -> "create";
        case "PUT" -> "update";
        case "PATCH" -> "patch";
        case "DELETE" -> name != null ? "delete" : "deletecollection";
        default -> request.getMethod();
      };
      return new Attributes(verb, group, resource, namespace, name, line);
    }

    boolean discovery() {
      return resource == null;
    }

    boolean allowedBy(List<PolicyRule> rules) {
      return rules.stream().anyMatch(rule -> rule.getApiGroups().contains(group) && rule.getResources().contains(resource)
          && rule.getVerbs().contains(verb)
          && (rule.getResourceNames() == null || rule.getResourceNames().isEmpty() || rule.getResourceNames().contains(name)));
    }
  }

  @Test
  @DisplayName("Every request the operator sends is granted by manifests/ (ClusterRole, or the leader-election Role in its namespace)")
  void everyCallIsGranted() throws Exception {
    // Given the operator's RBAC as installed by manifests/
    var clusterRules = InstallFiles.only(ClusterRole.class).getRules();
    var role = InstallFiles.only(Role.class);

    // When it runs every sample on a cluster with the Prometheus Operator, and two features are turned off again
    harness.installPrometheusOperator();
    harness.apply(Repo.sample("minimal.yaml"), "dev");
    harness.apply(Repo.sample("production.yaml"), "prod");
    harness.apply(Repo.sample("cluster.yaml"), "api");
    harness.awaitReady("dev", "dev-auth");
    harness.awaitReady("prod", "shop-auth");
    harness.awaitReady("api", "api-auth");
    harness.update("prod", "shop-auth", t -> {
      var a = t.getSpec().autoscaling();
      t.setSpec(Tiers.withAutoscaling(t.getSpec(), new AutoscalingSpec(false, a.minReplicas(), a.maxReplicas(),
          a.cpuUtilization(), a.memoryUtilization(), a.requestQueueLength())));
      t.setSpec(Tiers.withMonitoring(t.getSpec(), new MonitoringSpec(false, t.getSpec().monitoring().alerts())));
      // and a new audience, which rewrites the configuration and rolls the pods (updates, not creates)
      var issuers = new ArrayList<>(t.getSpec().issuers());
      var first = issuers.getFirst();
      issuers.set(0, new IssuerSpec(first.name(), first.issuerUrl(), List.of("shop-api", "shop-admin"),
          first.allowedAlgorithms(), first.clockSkew(), first.introspection()));
      t.setSpec(Tiers.withIssuers(t.getSpec(), issuers));
      return t;
    });
    await().atMost(OperatorHarness.TIMEOUT).until(() ->
        harness.client().configMaps().inNamespace("prod").withName("shop-auth-config").get().getData().toString()
            .contains("shop-admin")
        && harness.client().autoscaling().v2().horizontalPodAutoscalers().inNamespace("prod").withName("shop-auth").get() == null
            && harness.condition("prod", "shop-auth", "MonitoringAvailable")
                .filter(c -> c.reason().equals("MonitoringDisabled")).isPresent());

    // Then each of its requests is granted, and it did make the calls that matter
    var calls = harness.drainRequests().stream()
        .filter(r -> OperatorHarness.OPERATOR_USER_AGENT.equals(r.getHeader("User-Agent")))
        .map(Attributes::of)
        .filter(a -> !a.discovery())
        .toList();
    var refused = new TreeSet<String>();
    for (var call : calls) {
      var granted = ANYONE.contains(call.verb() + " " + call.group() + "/" + call.resource())
          || call.allowedBy(clusterRules)
          || role.getMetadata().getNamespace().equals(call.namespace()) && call.allowedBy(role.getRules());
      if (!granted) {
        refused.add(call.verb() + " " + (call.group().isEmpty() ? "core" : call.group()) + "/" + call.resource()
            + " (" + call.line() + ")");
      }
    }
    assertThat(refused).as("requests that manifests/ does not grant the operator").isEmpty();
    assertThat(calls).extracting(c -> c.verb() + " " + c.resource()).contains(
        "list secrets", "watch secrets", "watch authtiers", "create secrets", "create statefulsets", "patch authtiers/status", "create events",
        "list pods", "delete horizontalpodautoscalers", "delete servicemonitors", "create services", "create networkpolicies", "update configmaps", "update deployments");
  }
}
