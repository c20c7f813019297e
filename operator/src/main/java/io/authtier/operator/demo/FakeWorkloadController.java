package io.authtier.operator.demo;

import io.authtier.operator.reconcile.Labels;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Objects;

/**
 * Stands in for the kube-controller-manager and kubelets that the mock API server lacks: it marks
 * each Deployment that the operator manages as fully rolled out and available.
 */
public final class FakeWorkloadController implements AutoCloseable {
  private final KubernetesClient client;
  private final SharedIndexInformer<Deployment> informer;
  private final SharedIndexInformer<StatefulSet> statefulSets;

  public FakeWorkloadController(KubernetesClient client) {
    this.client = client;
    this.informer = client.apps().deployments().inAnyNamespace()
        .withLabel(Labels.MANAGED_BY, "authtier-operator")
        .inform(new ResourceEventHandler<>() {
          @Override
          public void onAdd(Deployment deployment) {
            markReady(deployment);
          }

          @Override
          public void onUpdate(Deployment before, Deployment after) {
            markReady(after);
          }

          @Override
          public void onDelete(Deployment deployment, boolean unknownFinalState) {}
        });
    this.statefulSets = client.apps().statefulSets().inAnyNamespace()
        .withLabel(Labels.MANAGED_BY, "authtier-operator")
        .inform(new ResourceEventHandler<>() {
          @Override
          public void onAdd(StatefulSet set) {
            markReady(set);
          }

          @Override
          public void onUpdate(StatefulSet before, StatefulSet after) {
            markReady(after);
          }

          @Override
          public void onDelete(StatefulSet set, boolean unknownFinalState) {}
        });
  }

  private void markReady(StatefulSet set) {
    if (Objects.equals(readyStatus(set), set.getStatus())) {
      return;
    }
    try {
      client.apps().statefulSets().inNamespace(set.getMetadata().getNamespace())
          .withName(set.getMetadata().getName())
          .editStatus(s -> {
            s.setStatus(readyStatus(s));
            return s;
          });
    } catch (KubernetesClientException e) {
      // Deleted or changed meanwhile: the informer brings the next version.
    }
  }

  /** Every pod of the StatefulSet running the current revision and ready. */
  public static StatefulSetStatus readyStatus(StatefulSet set) {
    int replicas = set.getSpec().getReplicas() == null ? 1 : set.getSpec().getReplicas();
    return new StatefulSetStatusBuilder()
        .withObservedGeneration(set.getMetadata().getGeneration())
        .withReplicas(replicas)
        .withUpdatedReplicas(replicas)
        .withCurrentReplicas(replicas)
        .withReadyReplicas(replicas)
        .withAvailableReplicas(replicas)
        .build();
  }

  private void markReady(Deployment deployment) {
    var ready = readyStatus(deployment);
    if (Objects.equals(ready, deployment.getStatus())) {
      return;
    }
    try {
      client.apps().deployments().inNamespace(deployment.getMetadata().getNamespace())
          .withName(deployment.getMetadata().getName())
          .editStatus(d -> {
            d.setStatus(readyStatus(d));
            return d;
          });
    } catch (KubernetesClientException e) {
      // Deleted or changed meanwhile: the informer brings the next version.
    }
  }

  public static DeploymentStatus readyStatus(Deployment deployment) {
    int replicas = deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
    return new DeploymentStatusBuilder()
        .withObservedGeneration(deployment.getMetadata().getGeneration())
        .withReplicas(replicas)
        .withUpdatedReplicas(replicas)
        .withReadyReplicas(replicas)
        .withAvailableReplicas(replicas)
        .withConditions(new DeploymentConditionBuilder()
            .withType("Available").withStatus("True").withReason("MinimumReplicasAvailable").build())
        .build();
  }

  @Override
  public void close() {
    informer.close();
    statefulSets.close();
  }
}
