package io.authtier.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.authtier.operator.OperatorMain;
import io.authtier.operator.demo.EmbeddedApiServer;
import io.authtier.operator.support.Tiers;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `run` as a real process, as a pod runs it: probes, work, JSON logs, and a graceful SIGTERM. */
class RunProcessTest {

  @Test
  @DisplayName("run answers its probes, reconciles, logs JSON lines, and exits on SIGTERM")
  void runAsAProcess(@TempDir Path dir) throws Exception {
    try (var api = EmbeddedApiServer.start()) {
      // Given an API server, and the operator started as its own process against it
      api.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("dev").endMetadata().build()).create();
      int healthPort;
      try (var socket = new ServerSocket(0)) {
        healthPort = socket.getLocalPort();
      }
      var stderr = dir.resolve("stderr.log");
      var builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), OperatorMain.class.getName(),
          "run", "--no-leader-election", "--health-port", String.valueOf(healthPort))
          .redirectError(stderr.toFile())
          .redirectOutput(dir.resolve("stdout.log").toFile());
      builder.environment().put("KUBERNETES_MASTER", api.client().getMasterUrl().toString());
      builder.environment().put("KUBECONFIG", dir.resolve("no-kubeconfig").toString());
      var process = builder.start();
      try {
        // When it is up
        var http = HttpClient.newHttpClient();
        var readyz = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/readyz")).build();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
            http.send(readyz, HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/healthz")).build(),
            HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

        // Then it reconciles an AuthTier
        api.client().resource(Tiers.sample("minimal.yaml", "dev")).create();
        await().atMost(Duration.ofSeconds(30)).until(() ->
            api.client().apps().deployments().inNamespace("dev").withName("dev-auth").get() != null);

        // When it gets SIGTERM
        process.destroy();

        // Then it stops within the pod's grace period, and every log line was JSON
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
        var lines = Files.readAllLines(stderr).stream().filter(l -> !l.isBlank()).toList();
        assertThat(lines).isNotEmpty();
        var json = new ObjectMapper();
        for (var line : lines) {
          assertThat(json.readTree(line).path("level").asText()).as(line).isNotEmpty();
        }
        assertThat(lines).anyMatch(l -> l.contains("AuthTier operator started"));
        assertThat(lines).anyMatch(l -> l.contains("Stopping: finishing reconciliations in progress"));
      } finally {
        process.destroyForcibly();
      }
    }
  }

  @Test
  @DisplayName("run against an API server it cannot reach exits non-zero at once, with one line naming the server and the kubeconfig")
  void unreachableApiServer(@TempDir Path dir) throws Exception {
    var kubeconfig = dir.resolve("nokube");
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters: [{name: c, cluster: {server: 'https://nokube.invalid:6443'}}]
        users: [{name: u, user: {token: t}}]
        contexts: [{name: x, context: {cluster: c, user: u}}]
        current-context: x
        """);
    var stderr = dir.resolve("stderr.log");
    var builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), OperatorMain.class.getName(), "run", "--no-leader-election")
        .redirectError(stderr.toFile())
        .redirectOutput(dir.resolve("stdout.log").toFile());
    builder.environment().remove("KUBERNETES_MASTER");
    builder.environment().remove("KUBERNETES_SERVICE_HOST");
    builder.environment().put("KUBECONFIG", kubeconfig.toString());
    var process = builder.start();
    try {
      assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("exited").isTrue();
      var lines = Files.readAllLines(stderr).stream().filter(l -> !l.isBlank()).toList();
      assertThat(process.exitValue()).as(String.join("\n", lines)).isNotZero();
      assertThat(lines).singleElement().satisfies(line -> {
        var message = new ObjectMapper().readTree(line).path("formattedMessage").asText();
        assertThat(message).contains("https://nokube.invalid:6443", "kubeconfig " + kubeconfig, "host name does not resolve",
            "KUBECONFIG").doesNotContain("Exception");
      });
    } finally {
      process.destroyForcibly();
    }
  }
}
