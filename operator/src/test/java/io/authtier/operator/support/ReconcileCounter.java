package io.authtier.operator.support;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts finished reconciliations per resource: tests wait on it instead of sleeping. */
public final class ReconcileCounter implements Metrics {
  private final Map<ResourceID, AtomicInteger> finished = new ConcurrentHashMap<>();

  @Override
  public void reconciliationExecutionFinished(HasMetadata resource, Map<String, Object> metadata) {
    finished.computeIfAbsent(ResourceID.fromResource(resource), id -> new AtomicInteger()).incrementAndGet();
  }

  public int finished(String namespace, String name) {
    var count = finished.get(new ResourceID(name, namespace));
    return count == null ? 0 : count.get();
  }
}
