package io.authtier.operator.reconcile;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.api.v1alpha1.AuthTierStatus;
import io.authtier.operator.dependents.Ownership;
import io.authtier.operator.dependents.autoscaling.AutoscalingEnabled;
import io.authtier.operator.dependents.autoscaling.RuntimeAutoscalerDependent;
import io.authtier.operator.dependents.autoscaling.RuntimePodDisruptionBudgetDependent;
import io.authtier.operator.dependents.runtime.CookieKeySecretDependent;
import io.authtier.operator.dependents.runtime.RuntimeConfigMapDependent;
import io.authtier.operator.dependents.runtime.RuntimeDeploymentDependent;
import io.authtier.operator.dependents.runtime.RuntimeServiceAccountDependent;
import io.authtier.operator.dependents.runtime.RuntimeMetricsServiceDependent;
import io.authtier.operator.dependents.runtime.RuntimeServiceDependent;
import io.authtier.operator.secrets.SecretLookup;
import io.authtier.operator.spec.SpecProblem;
import io.authtier.operator.spec.SpecValidator;
import io.authtier.operator.dependents.redis.RedisAclSecretDependent;
import io.authtier.operator.dependents.redis.RedisConditions;
import io.authtier.operator.dependents.redis.RedisConfigMapDependent;
import io.authtier.operator.dependents.redis.RedisHeadlessServiceDependent;
import io.authtier.operator.dependents.redis.RedisNetworkPolicyDependent;
import io.authtier.operator.dependents.redis.RedisPasswordSecretDependent;
import io.authtier.operator.dependents.redis.RedisPodDisruptionBudgetDependent;
import io.authtier.operator.dependents.redis.RedisServiceDependent;
import io.authtier.operator.dependents.redis.RedisStatefulSetDependent;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Observe, validate, reconcile, report. A spec or Secret problem stops before anything is written
 * (the running tier is left as it is) and is reported as Stalled; otherwise the workflow brings every
 * object to its desired state (the monitoring objects beside it, see {@link MonitoringStep}) and
 * status is recomputed from the live objects. Status is written
 * only when it changed, whole (see {@link StatusWriter}).
 */
@Workflow(explicitInvocation = true, dependents = {
    @Dependent(name = "service-account", type = RuntimeServiceAccountDependent.class),
    @Dependent(name = "config", type = RuntimeConfigMapDependent.class),
    @Dependent(name = "service", type = RuntimeServiceDependent.class),
    @Dependent(name = "metrics-service", type = RuntimeMetricsServiceDependent.class),
    // The runtime's pods wait for their own objects: on a Service or ConfigMap of their name that is not the
    // tier's (NameConflict) they would run against another tier's configuration or behind its Service.
    @Dependent(name = "deployment", type = RuntimeDeploymentDependent.class,
        dependsOn = {"service-account", "config", "service"}),
    @Dependent(name = "disruption-budget", type = RuntimePodDisruptionBudgetDependent.class),
    @Dependent(name = "autoscaler", type = RuntimeAutoscalerDependent.class, dependsOn = "deployment",
        reconcilePrecondition = AutoscalingEnabled.class),
    @Dependent(name = "cookie-key", type = CookieKeySecretDependent.class,
        reconcilePrecondition = CookieKeySecretDependent.Needed.class),
    @Dependent(name = "redis-password", type = RedisPasswordSecretDependent.class,
        reconcilePrecondition = RedisConditions.PasswordGenerated.class),
    @Dependent(name = "redis-acl", type = RedisAclSecretDependent.class,
        reconcilePrecondition = RedisConditions.Managed.class, readyPostcondition = RedisConditions.AclCurrent.class),
    @Dependent(name = "redis-config", type = RedisConfigMapDependent.class,
        reconcilePrecondition = RedisConditions.Managed.class),
    @Dependent(name = "redis-service", type = RedisServiceDependent.class,
        reconcilePrecondition = RedisConditions.Managed.class),
    @Dependent(name = "redis-headless", type = RedisHeadlessServiceDependent.class,
        reconcilePrecondition = RedisConditions.Managed.class),
    @Dependent(name = "redis-network-policy", type = RedisNetworkPolicyDependent.class,
        reconcilePrecondition = RedisConditions.Managed.class),
    // Redis pods mount the ConfigMap and the ACL Secret and are named through a Service: the StatefulSet is created
    // or changed only once all of them are the tier's and current. A parent that fails (NameConflict) or is not
    // ready (AclCurrent) only skips it; its parents all share its precondition, as one that fails would delete it.
    @Dependent(name = "redis", type = RedisStatefulSetDependent.class,
        dependsOn = {"redis-config", "redis-service", "redis-headless", "redis-acl"},
        reconcilePrecondition = RedisConditions.Managed.class),
    @Dependent(name = "redis-disruption-budget", type = RedisPodDisruptionBudgetDependent.class,
        reconcilePrecondition = RedisConditions.IsCluster.class)
})
// Not generation-aware: a status write from a lagging cache must trigger one more reconcile that
// sees it and corrects it. Unchanged status is never written, so this cannot loop.
@ControllerConfiguration(name = AuthTierReconciler.NAME, generationAwareEventProcessing = false)
public class AuthTierReconciler implements Reconciler<AuthTier> {
  public static final String NAME = "authtier";
  /** The Stalled reason of an object that the API server refused (422 Invalid, 403 Forbidden). */
  static final String REJECTED = "Rejected";
  static final Duration MIN_STALLED_RETRY = Duration.ofSeconds(5);
  static final Duration MAX_STALLED_RETRY = Duration.ofMinutes(5);
  private static final Logger LOG = LoggerFactory.getLogger(AuthTierReconciler.class);

  private final StatusAggregator statusAggregator;
  private final EventRecorder events;
  private final Clock clock;
  private final MonitoringStep monitoring;
  private final RedisProbe redis;
  private final Optional<String> operatorNamespace;

  public AuthTierReconciler(Clock clock, EventRecorder events) {
    this(clock, events, RedisAdminFactory.lettuce(clock), Optional.empty());
  }

  /** @param operatorNamespace where the operator's pods run, for the Redis NetworkPolicy; empty when unknown */
  public AuthTierReconciler(Clock clock, EventRecorder events, RedisAdminFactory redisAdmins, Optional<String> operatorNamespace) {
    this.clock = clock;
    this.operatorNamespace = operatorNamespace;
    this.redis = new RedisProbe(redisAdmins);
    this.events = events;
    this.statusAggregator = new StatusAggregator(clock);
    this.monitoring = new MonitoringStep(new PrometheusOperatorCheck(clock));
  }

  @Override
  public List<EventSource<?, AuthTier>> prepareEventSources(EventSourceContext<AuthTier> context) {
    return List.of(SecretEventSource.create(context));
  }

  @Override
  public UpdateControl<AuthTier> reconcile(AuthTier tier, Context<AuthTier> context) {
    var blocker = blocker(tier, context);
    MonitoringObservation monitored;
    if (blocker.isEmpty()) {
      operatorNamespace.ifPresent(ns -> context.managedWorkflowAndDependentResourceContext()
          .put(RedisNetworkPolicyDependent.OPERATOR_NAMESPACE, ns));
      context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
      // After the workflow, and never failing it: monitoring is reported, not waited for.
      monitored = monitoring.reconcile(context.getClient(), tier);
    } else {
      monitored = monitoring.observe(context.getClient());
    }
    var statefulSet = owned(context, tier, StatefulSet.class, Names.redis(tier));
    var redisObservation = blocker.isPresent() ? Optional.<RedisObservation>empty()
        : redis.observe(tier, SecretLookup.from(context), statefulSet,
            () -> RedisPods.nodes(context.getClient(), statefulSet));
    var observation = observe(tier, context, blocker, Optional.empty(), monitored).withRedis(redisObservation)
        .withUnapplied(blocker.isPresent() || !RedisConditions.managed(tier) ? Optional.empty()
            : statefulSet
                .flatMap(live -> RedisStatefulSetDependent.persistenceDrift(tier, live))
                .map(message -> new Observation.Problem("PersistenceImmutable", message)));
    var status = statusAggregator.aggregate(tier, observation);
    publish(tier, status, context);
    var control = UpdateControl.<AuthTier>noUpdate();
    if (blocker.isPresent()) {
      // A Secret appearing wakes the tier at once (SecretEventSource); this retry covers the rest.
      return control.rescheduleAfter(stalledRetry(status));
    }
    var recheck = Recheck.after(tier, redisObservation, monitored);
    if (recheck.isPresent()) {
      return control.rescheduleAfter(recheck.get());
    }
    return control;
  }

  @Override
  public ErrorStatusUpdateControl<AuthTier> updateErrorStatus(AuthTier tier, Context<AuthTier> context, Exception e) {
    LOG.warn("Reconciling AuthTier {}/{} failed; will retry", tier.getMetadata().getNamespace(),
        tier.getMetadata().getName(), e);
    if (tier.getSpec() == null) {
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    // A name taken by an object that is not the tier's, or an object the API server refuses (422 Invalid,
    // 403 Forbidden): Stalled, as retrying the same write cannot help. JOSDK still retries with backoff, so
    // a fixed admission policy or quota is picked up without anyone touching the AuthTier.
    var stall = NameConflicts.of(e).map(message -> new Observation.Problem("NameConflict", message))
        .or(() -> ApiRefusals.of(e).map(message -> new Observation.Problem(REJECTED, message)));
    var failure = stall.isPresent() ? Optional.<Observation.Problem>empty()
        : Optional.of(new Observation.Problem("ReconcileFailed", ApiRefusals.describe(e)));
    var status = statusAggregator.aggregate(tier,
        observe(tier, context, stall, failure, monitoring.observe(context.getClient())));
    try {
      publish(tier, status, context);
    } catch (RuntimeException writeFailed) {
      LOG.warn("Could not write the status of AuthTier {}/{}: {}", tier.getMetadata().getNamespace(),
          tier.getMetadata().getName(), writeFailed.getMessage());
    }
    return ErrorStatusUpdateControl.noStatusUpdate();
  }

  /** Problems that a person must fix. Checked before anything is written. */
  private static Optional<Observation.Problem> blocker(AuthTier tier, Context<AuthTier> context) {
    var problems = SpecValidator.validate(tier);
    if (!problems.isEmpty()) {
      return Optional.of(new Observation.Problem("InvalidSpec",
          problems.stream().map(SpecProblem::toString).collect(Collectors.joining("; "))));
    }
    var modeChange = RedisModeGuard.change(tier);
    if (modeChange.isPresent()) {
      return Optional.of(new Observation.Problem("InvalidSpec", modeChange.get()));
    }
    var secrets = SecretLookup.check(tier, context);
    if (!secrets.complete()) {
      // Each problem carries its own fix; a command to copy may end the message, so nothing follows it.
      return Optional.of(new Observation.Problem(secrets.reason(), "The tier waits for its Secrets and goes on by itself"
          + " once each is fixed: " + secrets.describe(tier.getMetadata().getNamespace())));
    }
    return Optional.empty();
  }

  private static Observation observe(AuthTier tier, Context<AuthTier> context, Optional<Observation.Problem> blocker,
      Optional<Observation.Problem> failure, MonitoringObservation monitoring) {
    return new Observation(blocker, failure,
        owned(context, tier, Deployment.class, Names.runtime(tier)),
        owned(context, tier, HorizontalPodAutoscaler.class, Names.runtime(tier)),
        monitoring);
  }

  /**
   * The tier's object of that kind, by name: other objects may carry the tier's labels (a copy made by hand),
   * and one of that name that another owner controls is not the tier's (see {@link Ownership}).
   */
  private static <R extends HasMetadata> Optional<R> owned(Context<AuthTier> context, AuthTier tier, Class<R> kind,
      String name) {
    return context.getSecondaryResourcesAsStream(kind)
        .filter(object -> name.equals(object.getMetadata().getName()) && Ownership.claimable(object, tier))
        .findFirst();
  }

  /** Writes the status and emits the Events that its change deserves; nothing when it did not change. */
  private void publish(AuthTier tier, AuthTierStatus status, Context<AuthTier> context) {
    if (Objects.equals(status, tier.getStatus())) {
      return;
    }
    StatusWriter.write(context.getClient(), tier, status);
    StatusEvents.between(tier.getStatus(), status).forEach(note -> events.record(tier, note));
  }

  /** Twice as long as the tier has been stalled, within bounds: backoff without a counter to keep. */
  private Duration stalledRetry(AuthTierStatus status) {
    var since = StatusAggregator.find(status.conditions(), ConditionType.Stalled.name())
        .map(c -> Instant.parse(c.lastTransitionTime()))
        .orElse(clock.instant());
    var doubled = Duration.between(since, clock.instant()).multipliedBy(2);
    if (doubled.compareTo(MIN_STALLED_RETRY) < 0) {
      return MIN_STALLED_RETRY;
    }
    return doubled.compareTo(MAX_STALLED_RETRY) > 0 ? MAX_STALLED_RETRY : doubled;
  }
}
