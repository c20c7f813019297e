package io.authtier.operator.bench;

import static org.awaitility.Awaitility.await;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.support.OperatorHarness;
import io.authtier.operator.support.Tiers;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Measures, on the embedded API server: the time from creating an AuthTier to all of its objects
 * existing, and the heap after 50 AuthTiers are Ready. A measurement, not a test; see
 * docs/benchmarks.md for the command and the figures.
 */
public final class OperatorScaleMeasurement {
  private static final int TIERS = 50;
  private static final List<Class<? extends HasMetadata>> KINDS = List.of(ServiceAccount.class, ConfigMap.class,
      Service.class, Deployment.class, PodDisruptionBudget.class, HorizontalPodAutoscaler.class);

  private OperatorScaleMeasurement() {}

  public static void main(String[] args) throws Exception {
    try (var harness = OperatorHarness.start()) {
      harness.withReadyWorkloads();
      var baseline = heapAfterGc();
      var template = Tiers.sample("production.yaml", "bench");
      harness.apply(io.authtier.operator.support.Repo.sample("production.yaml"), "bench");
      harness.awaitReady("bench", "shop-auth");

      // Sequential: each tier alone, so the figure is the operator's latency, not a queue.
      var millis = new double[TIERS];
      for (int i = 0; i < TIERS; i++) {
        var tier = copy(template, "tier-" + i);
        var start = System.nanoTime();
        harness.create(tier);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(2))
            .until(() -> allObjectsExist(harness, tier.getMetadata().getName()));
        millis[i] = (System.nanoTime() - start) / 1e6;
      }
      for (int i = 0; i < TIERS; i++) {
        harness.awaitReady("bench", "tier-" + i);
      }
      var loaded = heapAfterGc();
      Arrays.sort(millis);
      System.out.printf("create -> all objects present, %d AuthTiers one at a time: p50 %.1f ms, p95 %.1f ms, max %.1f ms%n",
          TIERS, millis[TIERS / 2], millis[(int) (TIERS * 0.95)], millis[TIERS - 1]);
      System.out.printf("heap after GC: %.1f MiB before the tiers, %.1f MiB with %d Ready (%.1f MiB more; the mock API"
          + " server in the same JVM holds the objects too)%n", baseline, loaded, TIERS + 1, loaded - baseline);
    }
    System.exit(0);
  }

  private static boolean allObjectsExist(OperatorHarness harness, String name) {
    for (var kind : KINDS) {
      var objectName = kind == ConfigMap.class ? name + "-config" : name;
      if (harness.client().resources(kind).inNamespace("bench").withName(objectName).get() == null) {
        return false;
      }
    }
    return true;
  }

  private static AuthTier copy(AuthTier template, String name) {
    var tier = new AuthTier();
    tier.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).withNamespace("bench").build());
    tier.setSpec(template.getSpec());
    return tier;
  }

  private static double heapAfterGc() {
    var memory = ManagementFactory.getMemoryMXBean();
    var samples = new ArrayList<Long>();
    for (int i = 0; i < 3; i++) {
      System.gc();
      samples.add(memory.getHeapMemoryUsage().getUsed());
    }
    return samples.stream().mapToLong(Long::longValue).min().orElseThrow() / (1024.0 * 1024.0);
  }
}
