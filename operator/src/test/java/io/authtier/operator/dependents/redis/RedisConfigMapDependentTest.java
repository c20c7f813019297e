package io.authtier.operator.dependents.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.operator.support.Tiers;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RedisConfigMapDependentTest {

  @ParameterizedTest
  @ValueSource(strings = {"cluster.yaml"})
  @DisplayName("A real redis-server starts from the rendered redis.conf, with writes refused when full and nothing ever evicted")
  void realRedisTakesTheConfig(String sample, @TempDir Path dir) throws Exception {
    // Given the rendered redis.conf, its paths moved into a temporary folder and its port to a free one
    var tier = Tiers.sample(sample, "shop");
    var password = "a-test-password".getBytes(StandardCharsets.UTF_8);
    Files.createDirectories(dir.resolve("acl"));
    Files.writeString(dir.resolve("acl").resolve(RedisSecrets.ACL_FILE), RedisSecrets.aclFile(password));
    Files.writeString(dir.resolve("acl").resolve(RedisSecrets.AUTH_FILE), RedisSecrets.authFile(password));
    int port = freePort();
    var conf = RedisConfigMapDependent.render(tier)
        .replace(RedisConfigMapDependent.ACL_DIR, dir.resolve("acl").toString())
        .replace("dir " + RedisConfigMapDependent.DATA_DIR, "dir " + dir)
        .replace(RedisConfigMapDependent.DATA_DIR + "/", dir + "/")
        .replace("port 6379", "port " + port)
        .replace("bind * -::*", "bind 127.0.0.1");
    var file = Files.writeString(dir.resolve("redis.conf"), conf);

    // When redis-server starts from it
    var server = new ProcessBuilder("redis-server", file.toString()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("redis.log").toFile()).start();
    try {
      // Then it runs with the memory rules the operator wrote
      assertThat(cli(port, "CONFIG", "GET", "maxmemory-policy")).contains("noeviction");
      assertThat(cli(port, "CONFIG", "GET", "maxmemory")).contains(String.valueOf(320L * 1024 * 1024));
    } finally {
      server.destroy();
      server.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** redis-cli's answer, asked until the server answers (it takes a moment to start). */
  private static String cli(int port, String... command) throws IOException, InterruptedException {
    var args = new java.util.ArrayList<>(java.util.List.of("redis-cli", "-p", String.valueOf(port), "--user", "default",
        "--pass", "a-test-password", "--no-auth-warning"));
    args.addAll(java.util.List.of(command));
    var answer = new String[1];
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> {
      var process = new ProcessBuilder(args).redirectErrorStream(true).start();
      answer[0] = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return process.waitFor() == 0 && !answer[0].contains("Could not connect") && !answer[0].contains("LOADING");
    });
    return answer[0];
  }

  private static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
