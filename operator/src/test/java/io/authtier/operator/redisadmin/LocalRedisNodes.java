package io.authtier.operator.redisadmin;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Real {@code redis-server} processes on free loopback ports, each with its own directory (nodes.conf, AOF,
 * log) under a test's temporary directory. Close it in {@code @AfterEach}: every process it started and
 * that still runs is killed.
 */
public final class LocalRedisNodes implements AutoCloseable {

  /** Small, so that a failover takes about two seconds. */
  static final int NODE_TIMEOUT_MILLIS = 1000;

  private final Path root;
  private final Optional<String> password;
  private final Map<RedisNodeAddress, Process> running = new LinkedHashMap<>();
  private final Map<RedisNodeAddress, Path> dirs = new LinkedHashMap<>();
  private final Set<Integer> usedPorts = new HashSet<>();
  private int generation;

  public LocalRedisNodes(Path root) {
    this(root, Optional.empty());
  }

  public LocalRedisNodes(Path root, Optional<String> password) {
    this.root = root;
    this.password = password;
  }

  /** Starts {@code count} fresh cluster-enabled nodes. */
  List<RedisNodeAddress> startFresh(int count) {
    List<RedisNodeAddress> nodes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      RedisNodeAddress node = new RedisNodeAddress("127.0.0.1", freePort());
      startIn(node, newDir(node), true);
      nodes.add(node);
    }
    return nodes;
  }

  /** Starts a fresh node (new directory, no nodes.conf) at an address, e.g. one whose process was killed. */
  void startFreshAt(RedisNodeAddress node) {
    startIn(node, newDir(node), true);
  }

  /** Starts a node without cluster support. */
  RedisNodeAddress startStandalone() {
    RedisNodeAddress node = new RedisNodeAddress("127.0.0.1", freePort());
    startIn(node, newDir(node), false);
    return node;
  }

  /**
   * Starts a node without cluster support that speaks TLS only (no plaintext port), presenting
   * {@code certificates}' server certificate; clients need no certificate of their own.
   */
  public RedisNodeAddress startStandaloneTls(TestCertificates certificates) {
    RedisNodeAddress node = new RedisNodeAddress("127.0.0.1", freePort());
    Path dir = newDir(node);
    start(node, dir, List.of(
        "--port", "0",
        "--tls-port", Integer.toString(node.port()),
        "--tls-cert-file", certificates.serverCert().toString(),
        "--tls-key-file", certificates.serverKey().toString(),
        "--tls-ca-cert-file", certificates.caCert().toString(),
        "--tls-auth-clients", "no"), () -> acceptsConnections(node));
    return node;
  }

  /** Restarts a stopped node from its own directory: same nodes.conf, same AOF. */
  void restart(RedisNodeAddress node) {
    startIn(node, dirs.get(node), true);
  }

  /**
   * Restarts a stopped node from its own directory (same nodes.conf, same AOF) on a new port, as a pod that
   * comes back with a new IP: its nodes.conf still lists itself and its peers at their old ports.
   */
  RedisNodeAddress restartElsewhere(RedisNodeAddress node) {
    RedisNodeAddress moved = new RedisNodeAddress(node.host(), freePort());
    Path dir = dirs.remove(node);
    dirs.put(moved, dir);
    startIn(moved, dir, true);
    return moved;
  }

  /** SIGKILL: the node dies as a crashed pod would. */
  void kill(RedisNodeAddress node) {
    Process p = running.remove(node);
    p.destroyForcibly();
    waitFor(p);
  }

  /** SIGTERM: Redis shuts down cleanly, flushing its AOF. */
  void stop(RedisNodeAddress node) {
    Process p = running.remove(node);
    p.destroy();
    if (!waitFor(p)) {
      p.destroyForcibly();
      waitFor(p);
    }
  }

  /** A port that this fixture will not hand out and where nothing listens: a node that never answers. */
  public RedisNodeAddress silentAddress() {
    return new RedisNodeAddress("127.0.0.1", freePort());
  }

  /** Kills what is still running: the test is over and its data with it, so no clean shutdown is needed. */
  @Override
  public void close() {
    for (RedisNodeAddress node : List.copyOf(running.keySet())) {
      kill(node);
    }
  }

  private Path newDir(RedisNodeAddress node) {
    Path dir = root.resolve("node-" + node.port() + "-" + (generation++));
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    dirs.put(node, dir);
    return dir;
  }

  private void startIn(RedisNodeAddress node, Path dir, boolean cluster) {
    List<String> options = new ArrayList<>(List.of("--port", Integer.toString(node.port())));
    if (cluster) {
      options.addAll(List.of(
          "--cluster-enabled", "yes",
          "--cluster-config-file", "nodes.conf",
          "--cluster-node-timeout", Integer.toString(NODE_TIMEOUT_MILLIS),
          "--cluster-replica-validity-factor", "0"));
    }
    start(node, dir, options, () -> answersPing(node));
  }

  private void start(RedisNodeAddress node, Path dir, List<String> options,
      java.util.concurrent.Callable<Boolean> ready) {
    List<String> command = new ArrayList<>(List.of(
        "redis-server",
        "--bind", "127.0.0.1",
        "--dir", dir.toString(),
        "--logfile", "redis.log",
        "--save", "",
        "--appendonly", "yes",
        "--daemonize", "no"));
    command.addAll(options);
    // Not on the command line in production (the operator mounts a config file); here it is a test value.
    password.ifPresent(p -> command.addAll(List.of("--requirepass", p, "--masterauth", p)));
    try {
      Process process = new ProcessBuilder(command)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(dir.resolve("stderr.log").toFile())
          .start();
      running.put(node, process);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start redis-server (apt-get install redis-server)", e);
    }
    await("redis-server on " + node + " accepting connections")
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(ready);
  }

  /** For a TLS port, where a plaintext PING gets no answer: the port is bound once Redis has started. */
  private static boolean acceptsConnections(RedisNodeAddress node) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(node.host(), node.port()), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private boolean answersPing(RedisNodeAddress node) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(node.host(), node.port()), 200);
      socket.setSoTimeout(500);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] reply = new byte[64];
      int n = in.read(reply);
      // +PONG, or -NOAUTH when a password is set: either way the server is up.
      return n > 0 && (reply[0] == '+' || reply[0] == '-');
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * A port below the kernel's ephemeral range (so outgoing connections do not take it meanwhile) whose
   * cluster bus port (+10000) is free too; never one this fixture handed out before.
   */
  private int freePort() {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = java.util.concurrent.ThreadLocalRandom.current().nextInt(15000, 22000);
      if (!usedPorts.contains(port) && bindable(port) && bindable(port + 10000)) {
        usedPorts.add(port);
        return port;
      }
    }
    throw new IllegalStateException("no free port pair (port, port+10000) found in 100 attempts");
  }

  private static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean waitFor(Process p) {
    try {
      return p.waitFor(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
