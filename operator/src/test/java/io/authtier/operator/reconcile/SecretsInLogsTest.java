package io.authtier.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.authtier.operator.support.OperatorHarness;
import io.authtier.operator.support.Repo;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Logs never carry a Secret value, also at LOG_LEVEL=DEBUG (what a person turns on to troubleshoot, and what log
 * shipping then keeps): neither the referenced Secrets' values nor the ones the operator generates.
 */
@DisplayName("The operator's log")
class SecretsInLogsTest {
  private static final List<String> LOGGERS = List.of(Logger.ROOT_LOGGER_NAME, "io.authtier", "io.javaoperatorsdk");

  private final LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final Map<String, Level> levels = new HashMap<>();
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private OperatorHarness harness;

  @BeforeEach
  void debugLogging() {
    for (var name : LOGGERS) {
      levels.put(name, logging.getLogger(name).getLevel());
      logging.getLogger(name).setLevel(Level.DEBUG);
    }
    log.start();
    logging.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(log);
    harness = OperatorHarness.start().withReadyWorkloads();
  }

  @AfterEach
  void restore() {
    harness.close();
    logging.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(log);
    levels.forEach((name, level) -> logging.getLogger(name).setLevel(level));
  }

  @Test
  @DisplayName("At DEBUG, no referenced or generated Secret value appears in any log line")
  void noSecretValues() throws Exception {
    // Given tiers with referenced Secrets (production) and generated ones (cluster: Redis password, cookie key)
    harness.apply(Repo.sample("production.yaml"), "prod");
    harness.apply(Repo.sample("cluster.yaml"), "api");
    harness.awaitReady("prod", "shop-auth");
    harness.awaitReady("api", "api-auth");

    // When a referenced Secret changes (a rotation, which rolls the runtime)
    var before = secretsHash();
    harness.client().secrets().inNamespace("prod").withName("shop-redis").edit(s -> new SecretBuilder(s)
        .withData(Map.of("password", base64("rotated-redis-password-value"))).build());
    await().atMost(OperatorHarness.TIMEOUT).until(() -> !before.equals(secretsHash()));
    harness.awaitReady("prod", "shop-auth");

    // Then no log line holds any of their values, nor the data of the Secrets the operator wrote
    var values = new ArrayList<String>();
    for (var namespace : List.of("prod", "api")) {
      for (Secret secret : harness.client().secrets().inNamespace(namespace).list().getItems()) {
        if (secret.getData() != null) {
          secret.getData().values().forEach(v -> {
            values.add(v);
            values.add(new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8).strip());
          });
        }
      }
    }
    values.add("replace-me-redis-password");
    assertThat(values).hasSizeGreaterThan(8);
    List<ILoggingEvent> events;
    synchronized (log) { // the appender appends under its own lock
      events = List.copyOf(log.list);
    }
    // The mock API server's own log (it prints what it stores) is the test's, not the operator's.
    var lines = events.stream().filter(e -> !e.getLoggerName().startsWith("io.fabric8.kubernetes.client.server.mock")
            && !e.getLoggerName().startsWith("io.fabric8.mockwebserver")).map(e -> e.getFormattedMessage()
        + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage())).toList();
    assertThat(lines).as("DEBUG lines were captured").hasSizeGreaterThan(10);
    for (var value : values.stream().filter(v -> v.length() >= 8).toList()) {
      assertThat(lines).as("log lines holding a Secret value").noneMatch(line -> line.contains(value));
    }
  }

  private String secretsHash() {
    return harness.client().apps().deployments().inNamespace("prod").withName("shop-auth").get()
        .getSpec().getTemplate().getMetadata().getAnnotations().get("authtier.io/secrets-hash");
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
