package io.authtier.operator.reconcile;

import io.authtier.operator.dependents.monitoring.PrometheusOperator;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether the Prometheus Operator's CRDs exist, asked at most once a minute for all tiers. Either answer
 * expires: the CRDs can be installed or removed at any time, and no event says so.
 */
final class PrometheusOperatorCheck {
  static final Duration TTL = Duration.ofMinutes(1);

  private record Answer(boolean installed, Instant at) {}

  private final Clock clock;
  private final AtomicReference<Answer> last = new AtomicReference<>();

  PrometheusOperatorCheck(Clock clock) {
    this.clock = clock;
  }

  boolean installed(KubernetesClient client) {
    var answer = last.get();
    var now = clock.instant();
    if (answer == null || !answer.at().plus(TTL).isAfter(now)) {
      answer = new Answer(PrometheusOperator.installed(client), now);
      last.set(answer);
    }
    return answer.installed();
  }

  /** Drops the cached answer: the API server just said that a monitoring kind is not there. */
  void forget() {
    last.set(null);
  }
}
