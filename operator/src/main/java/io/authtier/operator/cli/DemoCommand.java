package io.authtier.operator.cli;

import io.authtier.operator.AuthTierOperator;
import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.api.v1alpha1.Condition;
import io.authtier.operator.demo.EmbeddedApiServer;
import io.authtier.operator.demo.FakeRedisAdmin;
import io.authtier.operator.demo.FakeWorkloadController;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * `demo [DIR]`: the operator on an embedded Kubernetes API (fabric8's mock server), with every
 * sample in DIR applied, printing what the operator created and each AuthTier's status. A fake
 * controller marks Deployments ready, since no kubelet runs pods here.
 */
public final class DemoCommand {
  static final String NAMESPACE = "authtier-demo";
  private static final List<Class<? extends HasMetadata>> KINDS = List.of(ServiceAccount.class, ConfigMap.class,
      io.fabric8.kubernetes.api.model.Secret.class, Service.class, Deployment.class,
      io.fabric8.kubernetes.api.model.apps.StatefulSet.class, PodDisruptionBudget.class, HorizontalPodAutoscaler.class,
      io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class);

  private DemoCommand() {}

  public static int run(Path samples, PrintStream out, PrintStream err) throws IOException {
    List<Path> files;
    try (var list = Files.list(samples)) {
      files = list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      err.println("demo: cannot list " + samples + ": " + e.getMessage() + " (run it from the repository root, or name the samples folder)");
      return 2;
    }
    try (var api = EmbeddedApiServer.start()) {
      var client = api.client();
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build()).create();
      var operator = AuthTierOperator.create(client,
          new AuthTierOperator.Settings(Clock.systemUTC(), "demo", Optional.empty(), Set.of())
              // No Redis runs behind the mock API server: a stand-in reports the fake-ready pods as healthy.
              .withRedisAdmins((password, tls, placement) -> new FakeRedisAdmin()));
      try (var workloads = new FakeWorkloadController(client)) {
        operator.start();
        out.println("Embedded Kubernetes API at " + client.getMasterUrl() + "; applying " + files.size() + " sample(s) to namespace " + NAMESPACE);
        var tiers = new ArrayList<AuthTier>();
        for (var file : files) {
          try {
            var contents = AuthTierFiles.read(file);
            contents.secrets().forEach(s -> client.secrets().inNamespace(NAMESPACE).resource(s).create());
            for (var tier : contents.tiers()) {
              tiers.add(client.resources(AuthTier.class).inNamespace(NAMESPACE).resource(tier).create());
              out.println("  applied " + file.getFileName() + ": AuthTier " + tier.getMetadata().getName());
            }
          } catch (AuthTierFiles.InvalidFileException e) {
            err.println("demo: skipping " + file + ":");
            e.problems().forEach(p -> err.println("  " + p));
          }
        }
        var allReady = true;
        for (var tier : tiers) {
          allReady &= report(client, tier.getMetadata().getName(), out);
        }
        operator.stop();
        out.println(allReady ? "All AuthTiers are Ready." : "Some AuthTiers are not Ready; see their conditions above.");
        return allReady ? 0 : 1;
      }
    }
  }

  private static boolean report(KubernetesClient client, String name, PrintStream out) {
    var resource = client.resources(AuthTier.class).inNamespace(NAMESPACE).withName(name);
    AuthTier tier;
    try {
      tier = resource.waitUntilCondition(t -> t != null && t.getStatus() != null
          && t.getStatus().conditions().stream().anyMatch(c -> c.type().equals("Ready") && c.status().equals("True")),
          60, TimeUnit.SECONDS);
    } catch (KubernetesClientTimeoutException e) {
      tier = resource.get();
    }
    out.println();
    out.println("AuthTier " + NAMESPACE + "/" + name);
    out.println("  objects:");
    for (var kind : KINDS) {
      client.resources(kind).inNamespace(NAMESPACE).list().getItems().stream()
          .filter(o -> o.getMetadata().getOwnerReferences().stream().anyMatch(r -> r.getName().equals(name)))
          .forEach(o -> out.printf("    %-24s %s%n", o.getKind(), o.getMetadata().getName()));
    }
    out.println("  conditions:");
    var conditions = tier == null || tier.getStatus() == null ? List.<Condition>of() : tier.getStatus().conditions();
    for (var c : conditions) {
      out.printf("    %-19s %-7s %-30s %s%n", c.type(), c.status(), c.reason(), c.message());
    }
    if (tier != null && tier.getStatus() != null && tier.getStatus().runtime() != null) {
      out.println("  runtime: " + tier.getStatus().runtime().replicaSummary() + " ready at " + tier.getStatus().runtime().endpoint());
    }
    if (tier != null && tier.getStatus() != null && tier.getStatus().redis() != null) {
      var redis = tier.getStatus().redis();
      out.println("  redis: " + redis.mode() + (redis.clusterState() == null ? "" : ", cluster_state " + redis.clusterState()
          + ", " + redis.slotsAssigned() + " slots, " + redis.readyMasters() + " masters, " + redis.readyReplicas()
          + " replicas") + (redis.reachable() == null ? "" : ", " + redis.reachable() + " answering")
          + " (demo: FakeRedisAdmin stands in for Redis, which is not reached)");
    }
    return conditions.stream().anyMatch(c -> c.type().equals("Ready") && c.status().equals("True"));
  }
}
