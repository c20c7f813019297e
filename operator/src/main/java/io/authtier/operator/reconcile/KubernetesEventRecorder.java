package io.authtier.operator.reconcile;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes core/v1 Events, which `kubectl describe authtier` shows. An Event that fails to write is logged, not retried. */
public final class KubernetesEventRecorder implements EventRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesEventRecorder.class);
  private static final int MAX_MESSAGE = 1024;

  private final KubernetesClient client;
  private final Clock clock;
  private final String instance;

  public KubernetesEventRecorder(KubernetesClient client, Clock clock, String instance) {
    this.client = client;
    this.clock = clock;
    this.instance = instance;
  }

  @Override
  public void record(AuthTier tier, StatusEvents.Note note) {
    var meta = tier.getMetadata();
    var now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
    var message = note.message().length() > MAX_MESSAGE ? note.message().substring(0, MAX_MESSAGE) : note.message();
    var event = new EventBuilder()
        .withNewMetadata()
          .withName(meta.getName() + "." + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()))
          .withNamespace(meta.getNamespace())
        .endMetadata()
        .withInvolvedObject(new ObjectReferenceBuilder()
            .withApiVersion(tier.getApiVersion())
            .withKind(tier.getKind())
            .withName(meta.getName())
            .withNamespace(meta.getNamespace())
            .withUid(meta.getUid())
            .withResourceVersion(meta.getResourceVersion())
            .build())
        .withType(note.type())
        .withReason(note.reason())
        .withMessage(message)
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
        .withCount(1)
        .withNewSource().withComponent(Names.OPERATOR).endSource()
        .withReportingComponent(Names.OPERATOR)
        .withReportingInstance(instance)
        .build();
    try {
      client.v1().events().inNamespace(meta.getNamespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      LOG.warn("Could not record Event {} for AuthTier {}/{}: {}", note.reason(), meta.getNamespace(), meta.getName(),
          e.getMessage());
    }
  }
}
