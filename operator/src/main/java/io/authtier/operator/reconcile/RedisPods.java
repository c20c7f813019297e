package io.authtier.operator.reconcile;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** The Kubernetes node of each pod of the Redis StatefulSet, for replica placement. */
final class RedisPods {
  private RedisPods() {}

  /**
   * Pod name to {@code spec.nodeName}, for the scheduled pods of the StatefulSet (found by its selector);
   * empty when the StatefulSet does not exist yet. One list call per Cluster reconcile, not a watch: a pod
   * moving raises no need to act before the next poll.
   */
  static Map<String, String> nodes(KubernetesClient client, Optional<StatefulSet> statefulSet) {
    if (statefulSet.isEmpty()) {
      return Map.of();
    }
    var set = statefulSet.get();
    return client.pods().inNamespace(set.getMetadata().getNamespace())
        .withLabels(set.getSpec().getSelector().getMatchLabels())
        .list().getItems().stream()
        .filter(pod -> pod.getSpec() != null && pod.getSpec().getNodeName() != null)
        .collect(Collectors.toMap(pod -> pod.getMetadata().getName(), pod -> pod.getSpec().getNodeName()));
  }
}
