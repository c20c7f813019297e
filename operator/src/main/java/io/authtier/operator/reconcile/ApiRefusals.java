package io.authtier.operator.reconcile;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Errors of the API server, told as a person reads them: which object, the API server's own words, and
 * what to do. A 422 (Invalid: the object breaks a rule of its kind) or a 403 (Forbidden: an admission
 * webhook, a quota, a policy or the operator's RBAC) does not go away by retrying the same write, so the
 * reconciler reports it as Stalled; it still retries with backoff, as the policy may be fixed meanwhile.
 */
final class ApiRefusals {
  private ApiRefusals() {}

  /** Kinds of the objects the operator writes, by the plural in their URL. */
  private static final Map<String, String> KINDS = Map.of(
      "deployments", "Deployment", "statefulsets", "StatefulSet", "services", "Service", "configmaps", "ConfigMap",
      "secrets", "Secret", "serviceaccounts", "ServiceAccount", "poddisruptionbudgets", "PodDisruptionBudget",
      "horizontalpodautoscalers", "HorizontalPodAutoscaler");

  /** Where a field of an object comes from in the AuthTier: the first entry whose kind and field text match. */
  private record Source(String kind, String field, String specField) {}

  private static final List<Source> SOURCES = List.of(
      new Source("Deployment", "resources", "spec.runtime.resources"),
      new Source("Deployment", "image", "spec.runtime.image"),
      new Source("Deployment", "replicas", "spec.runtime.replicas (or spec.autoscaling)"),
      new Source("StatefulSet", "image", "spec.redis.image"),
      new Source("StatefulSet", "volumeClaimTemplates", "spec.redis.persistence"),
      new Source("StatefulSet", "replicas", "spec.redis.cluster"),
      new Source("HorizontalPodAutoscaler", "", "spec.autoscaling"),
      new Source("PodDisruptionBudget", "", "spec.disruption"));

  /** {@code Deployment.apps "shop-auth" is invalid: ...}: the name the API server quotes first. */
  private static final Pattern QUOTED_NAME = Pattern.compile("^([^\\s\"]+) \"([^\"]+)\"");
  /** A value the API server echoes back; never shown for a Secret. */
  private static final Pattern ECHOED_VALUE = Pattern.compile("Invalid value: \"(?:[^\"\\\\]|\\\\.)*\"");
  private static final int MAX_API_MESSAGE = 400;

  /** What to tell a person when {@code error} (or one of the workflow's errors it gathers) is a 422 or a 403. */
  static Optional<String> of(Throwable error) {
    var refusals = leaves(error).stream()
        .filter(e -> e instanceof KubernetesClientException k && (k.getCode() == 422 || k.getCode() == 403))
        .map(e -> refusal((KubernetesClientException) e))
        .distinct()
        .toList();
    return refusals.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", refusals));
  }

  /**
   * Any failed reconcile, readably: each API server error as its object and the API server's words, not the
   * client's exception text with its URL; other errors by their message.
   */
  static String describe(Throwable error) {
    return shorten(String.join("; ", leaves(error).stream().map(e -> e instanceof KubernetesClientException k
        ? object(k) + ": " + apiMessage(k) + code(k).map(c -> " (" + c + ")").orElse("")
        : Optional.ofNullable(e.getMessage()).orElse(e.getClass().getSimpleName())).distinct().toList()), 500);
  }

  private static String refusal(KubernetesClientException e) {
    var object = object(e);
    var message = apiMessage(e);
    return "The API server refused " + object + code(e).map(c -> " (" + c + ")").orElse("") + ": " + message + ". "
        + fix(e, message);
  }

  private static String fix(KubernetesClientException e, String message) {
    if (e.getCode() == 422) {
      var kind = String.valueOf(kind(e));
      var causes = e.getStatus() == null || e.getStatus().getDetails() == null ? "" : String.join(" ",
          e.getStatus().getDetails().getCauses().stream().map(c -> String.valueOf(c.getField())).toList());
      return SOURCES.stream()
          .filter(s -> s.kind().equals(kind) && (causes + " " + message).contains(s.field()))
          .findFirst()
          .map(s -> "Change " + s.specField() + " in the AuthTier so that Kubernetes accepts it")
          .orElse("Change the AuthTier field that " + object(e) + " is made from so that Kubernetes accepts it"
              + " (if the spec looks right, report this as an operator bug)");
    }
    if (message.contains("exceeded quota")) {
      return "Raise the namespace's ResourceQuota named above, or ask for less in the AuthTier";
    }
    if (message.contains("system:serviceaccount:") && message.contains(" cannot ")) {
      return "Grant the operator's ServiceAccount that permission (manifests/clusterrole.yaml)";
    }
    return "Check the admission policy that refused it (the webhook or policy named above), or change the AuthTier"
        + " so that the object satisfies it";
  }

  /**
   * The errors that {@code error} stands for: the first API server error among its causes, or each of those
   * that the workflow gathered (one per dependent that failed), or else itself.
   */
  private static List<Throwable> leaves(Throwable error) {
    for (var cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof KubernetesClientException) {
        return List.of(cause);
      }
      if (cause instanceof AggregatedOperatorException aggregated) {
        var found = new ArrayList<Throwable>();
        aggregated.getAggregatedExceptions().values().forEach(e -> found.addAll(leaves(e)));
        return found;
      }
    }
    return List.of(error);
  }

  /** The object as {@code Kind name}: from the API server's details, the request, or its message. */
  private static String object(KubernetesClientException e) {
    var details = e.getStatus() == null ? null : e.getStatus().getDetails();
    var name = details != null && details.getName() != null ? details.getName() : e.getName();
    if (name == null && e.getStatus() != null && e.getStatus().getMessage() != null) {
      var quoted = QUOTED_NAME.matcher(e.getStatus().getMessage());
      name = quoted.find() ? quoted.group(2) : null;
    }
    var kind = kind(e);
    if (name == null) {
      return kind == null ? "an object" : "a " + kind;
    }
    return (kind == null ? "object" : kind) + " " + name;
  }

  /** The object's kind, or null when the error does not say. */
  private static String kind(KubernetesClientException e) {
    var details = e.getStatus() == null ? null : e.getStatus().getDetails();
    if (details != null && details.getKind() != null) {
      // The API server gives the plural here for some errors (deployments.apps), the kind for others.
      return kindOf(details.getKind());
    }
    var plural = e.getResourcePlural();
    if (plural != null) {
      return KINDS.getOrDefault(plural, plural);
    }
    var quoted = e.getStatus() == null || e.getStatus().getMessage() == null ? null
        : QUOTED_NAME.matcher(e.getStatus().getMessage());
    return quoted != null && quoted.find() ? kindOf(quoted.group(1)) : null;
  }

  /** {@code Deployment}, {@code Deployment.apps} or {@code deployments.apps}, as the kind. */
  private static String kindOf(String type) {
    var first = type.split("\\.")[0];
    return KINDS.getOrDefault(first, KINDS.containsValue(first) ? first : type);
  }

  /** The API server's own message (status.message), with any echoed value of a Secret left out. */
  private static String apiMessage(KubernetesClientException e) {
    var status = e.getStatus();
    var message = status != null && status.getMessage() != null && !status.getMessage().isBlank()
        ? status.getMessage().strip().replaceAll("[.\\s]+$", "")
        : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if ("Secret".equals(kind(e))) {
      message = ECHOED_VALUE.matcher(message).replaceAll("Invalid value: (not shown)");
    }
    return shorten(message, MAX_API_MESSAGE);
  }

  /** The HTTP code and the API server's reason, such as {@code 422 Invalid}; none when no answer came. */
  private static Optional<String> code(KubernetesClientException e) {
    if (e.getCode() <= 0) {
      return Optional.empty();
    }
    var reason = e.getStatus() == null ? null : e.getStatus().getReason();
    return Optional.of(e.getCode() + (reason == null || reason.isBlank() ? "" : " " + reason));
  }

  private static String shorten(String text, int max) {
    return text.length() > max ? text.substring(0, max) + "…" : text;
  }
}
