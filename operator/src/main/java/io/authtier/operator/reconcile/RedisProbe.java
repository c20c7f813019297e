package io.authtier.operator.reconcile;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.api.v1alpha1.RedisMode;
import io.authtier.operator.api.v1alpha1.RedisStatus;
import io.authtier.operator.dependents.redis.RedisSecrets;
import io.authtier.operator.dependents.runtime.RedisEndpoints;
import io.authtier.operator.redisadmin.ClusterAction;
import io.authtier.operator.redisadmin.ClusterObservation;
import io.authtier.operator.redisadmin.KubernetesNodePlacement;
import io.authtier.operator.redisadmin.NodeObservation.Failure;
import io.authtier.operator.redisadmin.NodeObservation.Unreachable;
import io.authtier.operator.redisadmin.DesiredCluster;
import io.authtier.operator.redisadmin.RedisAdmin;
import io.authtier.operator.redisadmin.RedisNodeAddress;
import io.authtier.operator.redisadmin.RedisPassword;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Asks the Redis how it is, and for Cluster runs one administration round (bootstrap, heal, scale out) through
 * {@link RedisAdmin}; for a Redis the operator runs, also reads how far its StatefulSet has rolled out
 * ({@link RedisRollout}). Runs after the workflow, on every reconcile that is not blocked.
 */
final class RedisProbe {
  private final RedisAdminFactory admins;

  RedisProbe(RedisAdminFactory admins) {
    this.admins = admins;
  }

  /**
   * @param podNodes the Kubernetes node of each Redis pod by pod name, asked only for Cluster (replica
   *     placement)
   */
  Optional<RedisObservation> observe(AuthTier tier, Function<String, Optional<Secret>> secrets,
      Optional<StatefulSet> statefulSet, Supplier<Map<String, String>> podNodes) {
    var redis = tier.getSpec().redis();
    if (redis == null) {
      return Optional.empty();
    }
    var observed = ask(tier, secrets, statefulSet, podNodes);
    // Asked apart from Redis, whatever it answered: a StatefulSet whose pods serve may still be rolling out.
    return Optional.of(redis.mode() == RedisMode.External ? observed
        : observed.withRollout(RedisRollout.pending(Names.redis(tier), statefulSet)));
  }

  private RedisObservation ask(AuthTier tier, Function<String, Optional<Secret>> secrets,
      Optional<StatefulSet> statefulSet, Supplier<Map<String, String>> podNodes) {
    var redis = tier.getSpec().redis();
    var endpoints = RedisEndpoints.of(tier);
    var endpoint = redis.mode() == RedisMode.Standalone ? endpoints.getFirst() : String.join(",", endpoints);
    var base = new RedisStatus(redis.mode().name(), endpoint, null, null, null, null, null);
    var tls = redis.mode() == RedisMode.External && redis.external().tls();
    var passwordBytes = RedisSecrets.password(tier, secrets);
    if (redis.mode() != RedisMode.External && passwordBytes.isEmpty()) {
      return RedisObservation.notReady(base, "PasswordPending", "The Redis password Secret is being created");
    }
    var password = passwordBytes.map(RedisProbe::password).orElse(RedisPassword.none());
    var nodes = endpoints.stream().map(RedisNodeAddress::parse).toList();
    // Only a Cluster places replicas: the others need no pod list (and no API call for it).
    var placement = redis.mode() == RedisMode.Cluster ? placement(tier, podNodes.get())
        : new KubernetesNodePlacement(Map.of());
    try (RedisAdmin admin = admins.open(password, tls, placement)) {
      return switch (redis.mode()) {
        case External -> reachability(base, admin.observe(nodes), "Redis answers at " + endpoint
            + (tls ? " over TLS, its certificate and host name verified" : ""));
        case Standalone -> standalone(base, admin, nodes, statefulSet);
        case Cluster -> cluster(tier, base, admin, nodes, statefulSet, placement);
      };
    } catch (RuntimeException e) {
      // Messages of the Redis client name nodes and commands, never the password.
      return RedisObservation.notReady(base, "RedisAdminFailed",
          "Talking to Redis failed: " + Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName()));
    }
  }

  private static RedisObservation standalone(RedisStatus base, RedisAdmin admin, List<RedisNodeAddress> nodes,
      Optional<StatefulSet> statefulSet) {
    var pods = podsNotReady(statefulSet);
    if (pods.isPresent()) {
      return RedisObservation.notReady(base, "PodsNotReady", pods.get());
    }
    return reachability(base, admin.observe(nodes), "Redis answers at " + base.endpoint());
  }

  private static RedisObservation reachability(RedisStatus base, ClusterObservation observation, String readyMessage) {
    var asked = observation.nodes().size();
    var reachable = observation.reachable().size();
    var status = new RedisStatus(base.mode(), base.endpoint(), null, null, null, null, reachable + "/" + asked);
    if (observation.anchor().isPresent()) {
      // An External Redis Cluster: its own view of itself, for status only (readiness is reachability).
      var health = observation.health();
      status = new RedisStatus(base.mode(), base.endpoint(), health.clusterState(), health.slotsAssigned(),
          health.readyMasters(), health.readyReplicas(), reachable + "/" + asked);
    }
    if (reachable == asked) {
      return RedisObservation.ready(status, "Reachable", readyMessage);
    }
    var failures = observation.unreachable().stream().map(Unreachable::failure).collect(Collectors.toSet());
    // The fix differs by cause: name the most specific one (a password or certificate beats the network).
    var reason = failures.contains(Failure.AUTHENTICATION) ? "AuthenticationFailed"
        : failures.contains(Failure.TLS) ? "TlsHandshakeFailed" : "Unreachable";
    var hint = switch (reason) {
      case "AuthenticationFailed" -> ". Check the password Secret that the spec names (passwordSecretRef)";
      case "TlsHandshakeFailed" -> ". The operator verifies the certificate and host name against its default"
          + " trust store (see docs/redis-operations.md)";
      default -> "";
    };
    return RedisObservation.notReady(status, reason, observation.unreachable().stream()
        .map(u -> u.address() + ": " + u.reason()).collect(Collectors.joining("; ")) + hint);
  }

  /** Each Cluster node's pod and Kubernetes node, for pods that are scheduled. */
  private static KubernetesNodePlacement placement(AuthTier tier, Map<String, String> podNodes) {
    var pods = new HashMap<RedisNodeAddress, KubernetesNodePlacement.PodOnNode>();
    for (int i = 0; i < RedisEndpoints.nodes(tier); i++) {
      var pod = Names.redisPod(tier, i);
      var node = podNodes.get(pod);
      if (node != null) {
        pods.put(RedisNodeAddress.parse(Names.redisNode(tier, i)), new KubernetesNodePlacement.PodOnNode(pod, node));
      }
    }
    return new KubernetesNodePlacement(pods);
  }

  private static RedisObservation cluster(AuthTier tier, RedisStatus base, RedisAdmin admin,
      List<RedisNodeAddress> nodes, Optional<StatefulSet> statefulSet, KubernetesNodePlacement placement) {
    var spec = tier.getSpec().redis().cluster();
    var desired = new DesiredCluster(spec.masters(), spec.replicasPerMaster());
    // Run even while pods are not ready: healing a lost master is what makes them ready again.
    var round = admin.reconcile(nodes, desired);
    var health = round.observation().health();
    var status = new RedisStatus(base.mode(), base.endpoint(), health.clusterState(), health.slotsAssigned(),
        health.readyMasters(), health.readyReplicas(),
        round.observation().reachable().size() + "/" + round.observation().nodes().size());
    var refusals = round.refusals();
    if (!refusals.isEmpty()) {
      return new RedisObservation(status, "False", "ClusterRefused", String.join("; ", refusals)
          + ". The operator leaves these nodes alone until someone acts (see docs/redis-operations.md)", true);
    }
    if (health.ready(desired)) {
      return RedisObservation.ready(status, "ClusterHealthy", health.readyMasters() + " masters with "
          + health.readyReplicas() + " replicas serve all 16384 slots" + sharedNodes(placement, round));
    }
    var pods = podsNotReady(statefulSet);
    // distinct: after a whole restart every member meets every other, one line per moved node is enough
    var acting = round.actions().stream().filter(ClusterAction::changesRedis).map(RedisProbe::describe)
        .distinct().toList();
    var waiting = round.actions().stream().filter(ClusterAction.Wait.class::isInstance)
        .map(a -> ((ClusterAction.Wait) a).reason()).toList();
    var why = new StringBuilder("cluster_state " + health.clusterState() + ", " + health.slotsAssigned()
        + "/16384 slots, " + health.readyMasters() + "/" + desired.masters() + " masters, "
        + health.readyReplicas() + "/" + desired.masters() * desired.replicasPerMaster() + " replicas");
    if (!health.unreachable().isEmpty()) {
      why.append("; unreachable: ").append(String.join(", ", health.unreachable()));
    }
    pods.ifPresent(p -> why.append("; ").append(p));
    if (!acting.isEmpty()) {
      why.append("; doing: ").append(String.join(", ", acting));
    }
    if (!waiting.isEmpty()) {
      why.append("; waiting: ").append(String.join("; ", waiting));
    }
    return RedisObservation.notReady(status, acting.isEmpty() ? "ClusterNotReady" : "ClusterConverging",
        why.toString());
  }

  /**
   * Replicas that had to go on their master's Kubernetes node (too few nodes, or pods packed onto few):
   * a state of the cluster, so the message stays the same from one reconcile to the next.
   */
  private static String sharedNodes(KubernetesNodePlacement placement, RedisAdmin.Round round) {
    var shared = placement.sharedNodes(round.observation());
    if (shared.isEmpty()) {
      return "";
    }
    return "; " + shared.size() + " replicas share their master's Kubernetes node, so losing that node loses"
        + " both (too few nodes to keep them apart; attached replicas are not moved): " + String.join(", ", shared);
  }

  private static String describe(ClusterAction action) {
    return switch (action) {
      case ClusterAction.Bootstrap b -> "bootstrap of " + b.masters().size() + " masters";
      case ClusterAction.MeetNode m -> "meet " + m.node();
      case ClusterAction.RemeetNode m -> "meet " + m.node() + " again at its new address";
      case ClusterAction.ReplicateMaster r -> r.replica() + " replicates " + r.master();
      case ClusterAction.ForgetNode f -> "forget " + f.lastEndpoint();
      case ClusterAction.MigrateSlots m -> "move " + m.slotCount() + " slots";
      default -> action.getClass().getSimpleName();
    };
  }

  private static Optional<String> podsNotReady(Optional<StatefulSet> statefulSet) {
    if (statefulSet.isEmpty()) {
      return Optional.of("the StatefulSet does not exist yet");
    }
    var set = statefulSet.get();
    int wanted = set.getSpec().getReplicas() == null ? 1 : set.getSpec().getReplicas();
    int ready = set.getStatus() == null || set.getStatus().getReadyReplicas() == null ? 0
        : set.getStatus().getReadyReplicas();
    return ready >= wanted ? Optional.empty() : Optional.of(ready + "/" + wanted + " Redis pods ready");
  }

  private static RedisPassword password(byte[] bytes) {
    var chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes));
    var array = new char[chars.remaining()];
    chars.get(array);
    var password = RedisPassword.of(array);
    Arrays.fill(array, '\0');
    return password;
  }
}
