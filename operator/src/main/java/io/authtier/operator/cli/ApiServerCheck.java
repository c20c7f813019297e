package io.authtier.operator.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Optional;

/**
 * One cheap call to the API server before the operator starts. Without it, a wrong kubeconfig shows
 * as stack traces from every informer after some 20 s of retries, none naming the server or the file.
 */
final class ApiServerCheck {
  /** Long enough for a busy API server, short enough that a typo in the kubeconfig shows at once. */
  private static final int TIMEOUT_MILLIS = 5_000;

  private ApiServerCheck() {}

  /** Why the API server of {@code config} cannot be used, in one line with the fix; empty when it answers. */
  static Optional<String> problem(Config config) {
    var once = new ConfigBuilder(config)
        .withConnectionTimeout(TIMEOUT_MILLIS)
        .withRequestTimeout(TIMEOUT_MILLIS)
        .withRequestRetryBackoffLimit(0)
        .build();
    // /version is readable by every client, so a failure here is the connection or the credentials.
    try (var client = new KubernetesClientBuilder().withConfig(once).build()) {
      client.getKubernetesVersion();
      return Optional.empty();
    } catch (KubernetesClientException e) {
      return Optional.of("Cannot reach the Kubernetes API server " + config.getMasterUrl() + " (from " + source(config) + "): "
          + reason(e) + "; check that the cluster is up and that the current context is the one meant"
          + " (kubectl config current-context), or point KUBECONFIG at the right file");
    }
  }

  private static String source(Config config) {
    if (config.getFile() != null) {
      return "kubeconfig " + config.getFile();
    }
    if (System.getenv("KUBERNETES_SERVICE_HOST") != null) {
      return "the in-cluster service account";
    }
    if (System.getenv("KUBERNETES_MASTER") != null) {
      return "KUBERNETES_MASTER";
    }
    var named = System.getenv("KUBECONFIG");
    return "no kubeconfig: " + (named == null ? "~/.kube/config" : "KUBECONFIG " + named) + " does not exist";
  }

  /** What went wrong, in words: the outer exceptions only say that the request failed. */
  private static String reason(KubernetesClientException e) {
    if (e.getCode() == 401 || e.getCode() == 403) {
      return "it refused the kubeconfig's credentials (HTTP " + e.getCode() + ")";
    }
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return switch (cause) {
      case java.nio.channels.UnresolvedAddressException u -> "its host name does not resolve";
      case java.net.UnknownHostException u -> "its host name does not resolve";
      case java.net.ConnectException c -> "the connection was refused";
      case java.net.http.HttpTimeoutException t -> "no answer within " + TIMEOUT_MILLIS / 1000 + " s";
      case java.util.concurrent.TimeoutException t -> "no answer within " + TIMEOUT_MILLIS / 1000 + " s";
      case javax.net.ssl.SSLException s -> "TLS failed (" + s.getMessage() + ")";
      default -> cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    };
  }
}
