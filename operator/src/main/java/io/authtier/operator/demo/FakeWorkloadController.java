package io.authtier.operator.demo;

import io.authtier.operator.reconcile.Labels;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
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
  }
}
