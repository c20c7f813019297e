package io.authtier.operator.reconcile;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.api.v1alpha1.SessionStore;
import io.authtier.operator.api.v1alpha1.AuthTierStatus;
import io.authtier.operator.api.v1alpha1.Condition;
import io.authtier.operator.api.v1alpha1.RuntimeStatus;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Computes an AuthTier's status from what a reconcile observed. Pure but for the clock: the same
 * tier and observation give the same status, and a condition's lastTransitionTime moves only when
 * its status does, so a steady state yields an equal status and no write.
 */
public final class StatusAggregator {
  private final Clock clock;

  static final String ROLLOUT_STUCK = "RolloutStuck";
  static final String REDIS_ROLLING_OUT = "RedisRollingOut";

  public StatusAggregator(Clock clock) {
    this.clock = clock;
  }

  public AuthTierStatus aggregate(AuthTier tier, Observation observation) {
    if (tier.getSpec() == null) {
      return withoutSpec(tier, observation);
    }
    var generation = tier.getMetadata().getGeneration();
    // Once the tier has served, pods that come and go (the HPA scaling up, one pod restarting) are not a rollout.
    var servedBefore = previousReady(tier).filter(c -> "True".equals(c.status())).isPresent();
    var rolledOutTemplate = Optional.ofNullable(tier.getStatus()).map(AuthTierStatus::runtime).map(RuntimeStatus::rolledOutTemplate);
    var runtime = RuntimeObservation.of(tier, observation.deployment(), servedBefore, rolledOutTemplate);
    var conditions = new EnumMap<ConditionType, Verdict>(ConditionType.class);

    var redisNeedsPerson = observation.redis().filter(RedisObservation::needsPerson);
    conditions.put(ConditionType.Stalled, observation.blocker()
        .map(b -> Verdict.isTrue(b.reason(), b.message()))
        .or(() -> redisNeedsPerson.map(r -> Verdict.isTrue(r.reason(), r.message())))
        .or(() -> observation.unapplied().map(u -> Verdict.isTrue(u.reason(), u.message())))
        .or(() -> runtime.stuck().map(message -> Verdict.isTrue(ROLLOUT_STUCK, message)))
        .orElse(Verdict.isFalse("AsExpected", "Nothing blocks reconciliation")));
    conditions.put(ConditionType.RuntimeReady, runtime.readiness());
    conditions.put(ConditionType.RedisReady, redis(tier, observation));
    conditions.put(ConditionType.AutoscalingReady, autoscaling(tier, observation.autoscaler(), observation.blocker().isPresent()));
    conditions.put(ConditionType.MonitoringAvailable, monitoring(tier, observation));
    // kstatus reads Stalled=True as "failed": beside it, neither Reconciling ("in progress") nor Ready
    // ("current") may be True, or Flux and Argo CD would take whichever they read first.
    var stalled = conditions.get(ConditionType.Stalled);
    conditions.put(ConditionType.Reconciling, stalled.isTrue() ? stalledReconciling(observation, runtime, generation)
        : reconciling(observation, runtime, generation));
    conditions.put(ConditionType.Ready, stalled.isTrue() ? Verdict.isFalse(stalled.reason(), stalled.message())
        : ready(tier, observation, runtime, conditions));

    var list = stamp(tier, conditions);
    // Kept while unobserved, and above all while spec.redis is gone: RedisModeGuard knows the running mode only from
    // here, and without it the next reconcile would take the removal as a tier that never had Redis and delete it all.
    var redisStatus = observation.redis().map(RedisObservation::status)
        .or(() -> Optional.ofNullable(tier.getStatus()).map(AuthTierStatus::redis))
        .orElse(null);
    return new AuthTierStatus(generation, list, runtime.status(Names.endpoint(tier)), redisStatus);
  }

  /**
   * An AuthTier without spec (a CRD without its schema let it in): Stalled with the validator's message, and
   * nothing else is known, as nothing is reconciled for it.
   */
  private AuthTierStatus withoutSpec(AuthTier tier, Observation observation) {
    var problem = observation.blocker().orElse(new Observation.Problem("InvalidSpec", "spec: is required"));
    var conditions = new EnumMap<ConditionType, Verdict>(ConditionType.class);
    for (var type : ConditionType.values()) {
      conditions.put(type, Verdict.unknown("NotReconciled", "Nothing is reconciled while the tier has no spec"));
    }
    conditions.put(ConditionType.Stalled, Verdict.isTrue(problem.reason(), problem.message()));
    conditions.put(ConditionType.Ready, Verdict.isFalse(problem.reason(), problem.message()));
    conditions.put(ConditionType.Reconciling, Verdict.isFalse("Stalled",
        "Waiting for the problem in the Stalled condition to be fixed"));
    var previous = Optional.ofNullable(tier.getStatus());
    return new AuthTierStatus(tier.getMetadata().getGeneration(), stamp(tier, conditions),
        previous.map(AuthTierStatus::runtime).orElse(null), previous.map(AuthTierStatus::redis).orElse(null));
  }

  /** Conditions in their fixed order, each with the generation, and a transition time that moves only on change. */
  private List<Condition> stamp(AuthTier tier, Map<ConditionType, Verdict> conditions) {
    var generation = tier.getMetadata().getGeneration();
    var previous = tier.getStatus() == null ? List.<Condition>of() : tier.getStatus().conditions();
    var now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
    var list = new ArrayList<Condition>();
    for (var type : ConditionType.values()) {
      var verdict = conditions.get(type);
      var since = find(previous, type.name()).filter(c -> verdict.status().equals(c.status()))
          .map(Condition::lastTransitionTime)
          .orElse(now);
      list.add(new Condition(type.name(), verdict.status(), generation, since, verdict.reason(), verdict.message()));
    }
    return list;
  }

  private static Optional<Condition> previousReady(AuthTier tier) {
    return tier.getStatus() == null ? Optional.empty() : find(tier.getStatus().conditions(), ConditionType.Ready.name());
  }

  public static Optional<Condition> find(List<Condition> conditions, String type) {
    return conditions.stream().filter(c -> Objects.equals(type, c.type())).findFirst();
  }

  /**
   * Reconciling while the tier is Stalled: False, as kstatus wants. What still goes on (a rollout of the parts
   * that are not stalled, a retry after an error) is said in the message, not in the status.
   */
  private static Verdict stalledReconciling(Observation observation, RuntimeObservation runtime, Long generation) {
    var waiting = "Waiting for the problem in the Stalled condition to be fixed";
    var meanwhile = new ArrayList<String>();
    // Only ClusterRefused and PersistenceImmutable stall a part: the rest is still brought to the spec.
    if (observation.blocker().isEmpty() && runtime.stuck().isEmpty()) {
      if (!runtime.rolledOut()) {
        meanwhile.add("rolling out the runtime (" + runtime.progress() + ")");
      }
      observation.redis().filter(r -> !r.isReady() && !r.needsPerson())
          .ifPresent(r -> meanwhile.add("Redis is not ready yet: " + r.message()));
      observation.redis().flatMap(RedisObservation::rollout).ifPresent(r -> meanwhile.add("rolling out Redis: " + r));
      if (meanwhile.isEmpty() && observation.failure().isEmpty()) {
        waiting = "Everything else matches generation " + generation
            + "; waiting for the problem in the Stalled condition to be fixed";
      }
    }
    observation.failure().ifPresent(f -> meanwhile.add("retrying after an error: " + f.message()));
    return Verdict.isFalse("Stalled", meanwhile.isEmpty() ? waiting : waiting + "; meanwhile " + String.join("; ", meanwhile));
  }

  private static Verdict reconciling(Observation observation, RuntimeObservation runtime, Long generation) {
    if (observation.failure().isPresent()) {
      var failure = observation.failure().get();
      return Verdict.isTrue("RetryingAfterError", failure.message());
    }
    if (!runtime.rolledOut()) {
      return Verdict.isTrue("RollingOut", "Rolling out the runtime: " + runtime.progress());
    }
    var redis = observation.redis().filter(r -> !r.isReady() && !r.needsPerson());
    if (redis.isPresent()) {
      // Still in progress for kstatus (Flux, Argo CD): Redis is starting, forming or healing.
      return Verdict.isTrue(redis.get().reason(), "Redis is not ready yet: " + redis.get().message());
    }
    var redisRollout = observation.redis().flatMap(RedisObservation::rollout);
    if (redisRollout.isPresent()) {
      // The old pods answer meanwhile (RedisReady may be True), but the spec has not taken effect yet.
      return Verdict.isTrue(REDIS_ROLLING_OUT, "Rolling out Redis: " + redisRollout.get());
    }
    return Verdict.isFalse("Reconciled", "The runtime matches generation " + generation);
  }

  /** Ready of a tier that is not Stalled (a stalled one is never Ready). */
  private static Verdict ready(AuthTier tier, Observation observation, RuntimeObservation runtime,
      Map<ConditionType, Verdict> conditions) {
    if (observation.failure().isPresent()) {
      // A failed API call (a conflict, a flaky API server) says nothing about a tier that already serves
      // this generation: its Ready stays, and Reconciling=True (RetryingAfterError) reports the retry.
      // A Ready that flapped on every transient error would flap Argo CD's and Flux's health with it.
      var servedAlready = previousReady(tier).filter(c -> "True".equals(c.status())
          && Objects.equals(c.observedGeneration(), tier.getMetadata().getGeneration()));
      if (servedAlready.isPresent() && runtime.available()) {
        return Verdict.isTrue(servedAlready.get().reason(), servedAlready.get().message());
      }
      return Verdict.isFalse("ReconcileFailed", observation.failure().get().message());
    }
    var runtimeReady = conditions.get(ConditionType.RuntimeReady);
    if (!runtimeReady.isTrue()) {
      return Verdict.isFalse(runtimeReady.reason(), runtimeReady.message());
    }
    var redis = conditions.get(ConditionType.RedisReady);
    if (!redis.isTrue()) {
      return Verdict.isFalse(redis.reason(), redis.message());
    }
    var reconciling = conditions.get(ConditionType.Reconciling);
    if (reconciling.isTrue()) {
      return Verdict.isFalse(reconciling.reason(), reconciling.message());
    }
    return Verdict.isTrue("Ready", "The auth-runtime serves at " + Names.endpoint(tier) + " (" + runtime.progress() + ")");
  }

  private static Verdict redis(AuthTier tier, Observation observation) {
    if (tier.getSpec().redis() == null) {
      return Verdict.isTrue("RedisNotUsed", "The tier has no spec.redis");
    }
    if (observation.redis().isPresent()) {
      var redis = observation.redis().get();
      return new Verdict(redis.conditionStatus(), redis.reason(), redis.message() + unusedNote(tier));
    }
    return Verdict.unknown("NotObserved", "Redis is not asked while the tier is stalled or failing");
  }

  /**
   * The runtime keeps only introspection answers (L2 cache) and login sessions in Redis: without either, Redis
   * runs (and costs) for nothing, which a reader of the condition should learn.
   */
  private static String unusedNote(AuthTier tier) {
    var spec = tier.getSpec();
    // The runtime's own rule (RuntimeConfig.unusedRedis): the L2 cache only holds introspection answers,
    // and only sessions of the login flow kept in Redis are sessions there.
    boolean cache = spec.tokenCache().l2().enabled() && spec.issuers().stream().anyMatch(issuer -> issuer.introspection() != null);
    boolean sessions = spec.sessions() != null && spec.sessions().login() != null && spec.sessions().store() == SessionStore.Redis;
    return cache || sessions ? "" : "; nothing uses it: the runtime keeps only introspection answers (with an issuer's "
        + "introspection and tokenCache.l2.enabled) and login sessions (with spec.sessions.login and store Redis) there, "
        + "so it never connects to it (add one of them; spec.redis itself cannot be removed, so to run without Redis "
        + "create a new AuthTier without it)";
  }

  private static Verdict autoscaling(AuthTier tier, Optional<HorizontalPodAutoscaler> autoscaler, boolean stalled) {
    var spec = tier.getSpec().autoscaling();
    if (!spec.enabled()) {
      return Verdict.isTrue("AutoscalingDisabled",
          "spec.autoscaling.enabled is false; runtime.replicas (" + tier.getSpec().runtime().replicas() + ") applies");
    }
    if (autoscaler.isEmpty() && stalled) {
      // Not "not yet": nothing is created while the tier is stalled.
      return Verdict.unknown("NotReconciled", "The HorizontalPodAutoscaler is not reconciled while the tier is stalled");
    }
    if (autoscaler.isEmpty()) {
      return Verdict.isFalse("AutoscalerNotFound", "HorizontalPodAutoscaler " + Names.runtime(tier) + " does not exist yet");
    }
    var status = autoscaler.get().getStatus();
    var hpaConditions = status == null || status.getConditions() == null ? List.<io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerCondition>of() : status.getConditions();
    if (hpaConditions.isEmpty()) {
      return Verdict.unknown("WaitingForAutoscaler", "The HorizontalPodAutoscaler has not reported yet");
    }
    for (var type : List.of("AbleToScale", "ScalingActive")) {
      var failing = hpaConditions.stream()
          .filter(c -> type.equals(c.getType()) && "False".equals(c.getStatus()))
          .findFirst();
      if (failing.isPresent()) {
        var reason = Objects.requireNonNullElse(failing.get().getReason(), type + "False");
        // The HPA blocks every scale-down while one metric cannot be read: say what that costs and the two fixes.
        var hint = "FailedGetPodsMetric".equals(reason) ? " (the in-flight requests metric needs a metrics adapter such as"
            + " prometheus-adapter; until one serves it the autoscaler scales up but never down: install one, or set"
            + " spec.autoscaling.requestQueueLength to 0 to scale on CPU and memory only)" : "";
        return Verdict.isFalse(reason,
            "HorizontalPodAutoscaler: " + Objects.requireNonNullElse(failing.get().getMessage(), type + " is False") + hint);
      }
    }
    return Verdict.isTrue("ScalingActive", "Scaling between " + spec.minReplicas() + " and " + spec.maxReplicas()
        + " pods on CPU, memory" + (spec.requestQueueLength() > 0 ? " and in-flight requests" : ""));
  }

  private static Verdict monitoring(AuthTier tier, Observation observation) {
    if (observation.monitoring() instanceof MonitoringObservation.Failed failed) {
      return Verdict.isFalse("MonitoringFailed", failed.message());
    }
    if (!tier.getSpec().monitoring().serviceMonitor()) {
      return Verdict.isTrue("MonitoringDisabled", "spec.monitoring.serviceMonitor is false");
    }
    if (observation.monitoring() instanceof MonitoringObservation.NotInstalled) {
      return Verdict.isFalse("PrometheusOperatorNotInstalled", "The cluster has no ServiceMonitor and PrometheusRule"
          + " CRDs (monitoring.coreos.com); install the Prometheus Operator and they are made at once");
    }
    if (observation.blocker().isPresent() || observation.failure().isPresent()
        || !(observation.monitoring() instanceof MonitoringObservation.InPlace)) {
      return Verdict.unknown("NotReconciled", "Monitoring objects are not reconciled while the tier is stalled or failing");
    }
    return Verdict.isTrue("MonitoringActive", "ServiceMonitor and PrometheusRule " + Names.runtime(tier) + " are in place");
  }

  /** A condition's status, reason and message, before times and generations are stamped on. */
  record Verdict(String status, String reason, String message) {
    static Verdict isTrue(String reason, String message) {
      return new Verdict("True", reason, message);
    }

    static Verdict isFalse(String reason, String message) {
      return new Verdict("False", reason, message);
    }

    static Verdict unknown(String reason, String message) {
      return new Verdict("Unknown", reason, message);
    }

    boolean isTrue() {
      return "True".equals(status);
    }
  }

  /**
   * The runtime's Deployment as status reads it.
   *
   * @param servedBefore      whether the tier has been Ready: then a template that is rolled out stays rolled out
   *                          while pods come and go (the HPA adding pods, one pod restarting)
   * @param template          a hash of the Deployment's pod template
   * @param rolledOutTemplate that hash when the last rollout completed, from the previous status
   */
  record RuntimeObservation(boolean exists, String name, int wanted, int ready, int updated, int total,
      boolean generationObserved, boolean servedBefore, int floor, Optional<String> stuck, String template,
      Optional<String> rolledOutTemplate) {

    static RuntimeObservation of(AuthTier tier, Optional<Deployment> deployment, boolean servedBefore,
        Optional<String> rolledOutTemplate) {
      var spec = tier.getSpec();
      int fallbackWanted = spec.autoscaling().enabled() ? spec.autoscaling().minReplicas() : spec.runtime().replicas();
      // The configured minimum of serving pods: replicas (or minReplicas) less maxUnavailable, one at least.
      int floor = Math.max(1, fallbackWanted - spec.disruption().maxUnavailable());
      if (deployment.isEmpty()) {
        return new RuntimeObservation(false, Names.runtime(tier), fallbackWanted, 0, 0, 0, false, servedBefore, floor,
            Optional.empty(), "", rolledOutTemplate);
      }
      var d = deployment.get();
      var status = d.getStatus();
      var template = PodTemplateHash.of(d.getSpec() == null ? null : d.getSpec().getTemplate());
      // A Deployment without spec.replicas runs one pod until the HPA sets it.
      int wanted = d.getSpec() != null && d.getSpec().getReplicas() != null ? d.getSpec().getReplicas() : 1;
      if (status == null) {
        return new RuntimeObservation(true, Names.runtime(tier), wanted, 0, 0, 0, false, servedBefore, floor, Optional.empty(),
            template, rolledOutTemplate);
      }
      var generation = d.getMetadata().getGeneration();
      boolean observed = status.getObservedGeneration() != null
          && (generation == null || status.getObservedGeneration() >= generation);
      // The Deployment controller gives up on a rollout after progressDeadlineSeconds (10 min by default):
      // the new pods never became ready, the old ones keep serving. Only a person can fix that.
      var stuck = status.getConditions() == null ? Optional.<String>empty()
          : status.getConditions().stream()
              .filter(c -> "Progressing".equals(c.getType()) && "False".equals(c.getStatus())
                  && "ProgressDeadlineExceeded".equals(c.getReason()))
              .findFirst()
              .map(c -> "The rollout of Deployment " + Names.runtime(tier) + " made no progress within its deadline"
                  + (c.getMessage() == null ? "" : " (" + c.getMessage() + ")") + "; the pods of the previous version"
                  + " keep serving. See why the new pods are not ready: kubectl describe pods -l "
                  + "app.kubernetes.io/instance=" + tier.getMetadata().getName()
                  + " (the runtime's log names a configuration it refuses); a fixed spec rolls out again");
      return new RuntimeObservation(true, Names.runtime(tier), wanted, orZero(status.getReadyReplicas()),
          orZero(status.getUpdatedReplicas()), orZero(status.getReplicas()), observed, servedBefore, floor, stuck, template,
          rolledOutTemplate);
    }

    /**
     * Whether the current pod template runs on every pod and no pod of an older one is left. With
     * maxUnavailable 0, the last old pod goes only once the new ones are ready; a new tier's pods must
     * all be ready once, and after that readiness is {@link #readiness()}'s business, not a rollout's.
     * The HPA writing spec.replicas bumps the Deployment's generation too, and the ReplicaSet counts
     * its new pods only once it has made them: neither is a rollout while the template is the one
     * the pods already ran.
     */
    boolean rolledOut() {
      boolean templateObserved = generationObserved || rolledOutTemplate.filter(template::equals).isPresent();
      boolean noOldPods = updated >= total;
      boolean allReadyOnce = servedBefore || (ready >= wanted && updated >= wanted);
      return exists && templateObserved && noOldPods && allReadyOnce;
    }

    /**
     * Whether the runtime serves as configured: at least its configured minimum of pods ready
     * (runtime.replicas, or autoscaling.minReplicas, less disruption.maxUnavailable; one at least). Not
     * the Deployment's own Available condition, which with maxUnavailable 0 turns False whenever the HPA
     * adds a pod that is still starting, and not a share of the pods wanted, which an HPA scale-up beyond
     * double crosses; pods the HPA adds beyond the configured ones are capacity, not health.
     */
    boolean available() {
      return ready >= Math.min(floor, Math.max(1, wanted));
    }

    String progress() {
      return ready + "/" + wanted + " pods ready";
    }

    Verdict readiness() {
      if (!exists) {
        return Verdict.isFalse("DeploymentNotFound", "Deployment " + name + " does not exist yet");
      }
      return available()
          ? Verdict.isTrue("MinimumReplicasAvailable", progress())
          : Verdict.isFalse("MinimumReplicasUnavailable", progress());
    }

    RuntimeStatus status(String endpoint) {
      return new RuntimeStatus(wanted, ready, ready + "/" + wanted, endpoint,
          rolledOut() ? template : rolledOutTemplate.orElse(null));
    }

    private static int orZero(Integer value) {
      return value == null ? 0 : value;
    }
  }
}
