package io.authtier.runtime.redis;

import static org.awaitility.Awaitility.await;

import io.authtier.runtime.config.HostAndPort;
import io.authtier.runtime.config.RedisConfig;
import io.authtier.runtime.config.RedisTopology;
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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Real {@code redis-server} processes on free loopback ports, started and stopped by tests. */
public final class RedisServers {

    private RedisServers() {
    }

    /** One {@code redis-server}; {@link #stop()} kills it, {@link #start()} starts it again on the same port. */
    public static final class Server implements AutoCloseable {
        private final int port;
        private final List<String> extraArgs;
        private final Path dir;
        private Process process;

        Server(int port, Path dir, List<String> extraArgs) {
            this.port = port;
            this.dir = dir;
            this.extraArgs = extraArgs;
        }

        public int port() {
            return port;
        }

        public synchronized Server start() {
            List<String> command = new ArrayList<>(List.of("redis-server", "--port", String.valueOf(port),
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                    "--protected-mode", "no", "--loglevel", "warning"));
            command.addAll(extraArgs);
            try {
                process = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(dir.resolve("redis-" + port + ".log").toFile()).start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start redis-server (apt-get install -y redis-server)", e);
            }
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                    .until(extraArgs.contains("--tls-port") ? this::acceptsConnections : () -> {
                        String pong = command("PING");
                        return pong != null && (pong.equals("+PONG") || pong.startsWith("-NOAUTH"));
                    });
            return this;
        }

        /** Kills the server (SIGKILL): a crash, not a shutdown. */
        public synchronized void stop() {
            if (process != null) {
                process.destroyForcibly();
                try {
                    process.waitFor(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                process = null;
            }
        }

        /** A TLS-only server speaks no plain RESP, so it is ready once it accepts connections. */
        private boolean acceptsConnections() {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        /** One inline command's first reply line, e.g. {@code +PONG}; null if the server cannot be reached. */
        public String command(String... words) {
            return commandWithin(Duration.ofSeconds(5), words);
        }

        /** As {@link #command}, waiting up to {@code readTimeout} for the reply (a {@code DEBUG SLEEP} answers after its sleep). */
        public String commandWithin(Duration readTimeout, String... words) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                socket.setSoTimeout((int) readTimeout.toMillis());
                StringBuilder request = new StringBuilder("*" + words.length + "\r\n");
                for (String word : words) {
                    request.append('$').append(word.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(word).append("\r\n");
                }
                OutputStream out = socket.getOutputStream();
                out.write(request.toString().getBytes(StandardCharsets.UTF_8));
                out.flush();
                InputStream in = socket.getInputStream();
                StringBuilder line = new StringBuilder();
                int c;
                while ((c = in.read()) != -1 && c != '\n') {
                    if (c != '\r') {
                        line.append((char) c);
                    }
                }
                if (line.toString().startsWith("*") && !line.toString().equals("*-1")) {
                    // An array of bulk strings (KEYS, SMEMBERS): one element per line.
                    int count = Integer.parseInt(line.substring(1));
                    StringBuilder elements = new StringBuilder();
                    for (int i = 0; i < count; i++) {
                        elements.append(i == 0 ? "" : "\n").append(bulk(in, readLine(in)));
                    }
                    return elements.toString();
                }
                return bulk(in, line.toString());
            } catch (IOException e) {
                return null;
            }
        }

        private static String readLine(InputStream in) throws IOException {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }

        /** The body of a bulk string whose header line is {@code header}, or the line itself for other replies. */
        private static String bulk(InputStream in, String header) throws IOException {
            if (header.startsWith("$") && !header.equals("$-1")) {
                byte[] body = in.readNBytes(Integer.parseInt(header.substring(1)));
                in.readNBytes(2);
                return new String(body, StandardCharsets.UTF_8);
            }
            return header;
        }

        @Override
        public void close() {
            stop();
        }
    }

    /** A standalone server, started. */
    public static Server standalone(Path dir) {
        return new Server(freePort(), dir, List.of()).start();
    }

    /** A standalone server that takes {@code DEBUG} commands from the loopback ({@code DEBUG SLEEP}: a Redis that stalls), started. */
    public static Server standaloneWithDebug(Path dir) {
        return new Server(freePort(), dir, List.of("--enable-debug-command", "local")).start();
    }

    /** A standalone server that requires {@code password} (AUTH), started. */
    public static Server standaloneWithPassword(Path dir, String password) {
        return new Server(freePort(), dir, List.of("--requirepass", password)).start();
    }

    /**
     * A standalone server that speaks TLS only, with the certificates' server certificate, started. Clients need
     * no certificate of their own.
     */
    public static Server standaloneTls(Path dir, TestCertificates certificates) {
        int port = freePort();
        return new Server(port, dir, List.of("--port", "0", "--tls-port", String.valueOf(port),
                "--tls-cert-file", certificates.serverCert().toString(), "--tls-key-file", certificates.serverKey().toString(),
                "--tls-ca-cert-file", certificates.caCert().toString(), "--tls-auth-clients", "no")).start();
    }

    /** A configuration for {@code servers}. */
    public static RedisConfig config(RedisTopology topology, List<Server> servers) {
        return new RedisConfig(topology, servers.stream().map(s -> new HostAndPort("127.0.0.1", s.port())).toList(),
                Optional.empty(), false);
    }

    /** Three masters, no replicas, slots assigned with {@code redis-cli --cluster create}; cluster_state:ok. */
    public static List<Server> cluster(Path dir) {
        return cluster(dir, 0);
    }

    /**
     * Three masters with {@code replicasPerMaster} replicas each ({@code redis-cli --cluster create}), a
     * 2 s node timeout (so a failover takes seconds); returns once every node says cluster_state:ok.
     */
    public static List<Server> cluster(Path dir, int replicasPerMaster) {
        List<Server> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 3 * (1 + replicasPerMaster); i++) {
                int port = freeClusterPort();
                Path nodeDir = Files.createDirectories(dir.resolve("node-" + port));
                nodes.add(new Server(port, nodeDir, List.of("--cluster-enabled", "yes",
                        "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000")).start());
            }
            List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            nodes.forEach(node -> create.add("127.0.0.1:" + node.port()));
            create.addAll(List.of("--cluster-replicas", String.valueOf(replicasPerMaster), "--cluster-yes"));
            Process process = new ProcessBuilder(create).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("cluster-create.log").toFile()).start();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("redis-cli --cluster create failed; see " + dir.resolve("cluster-create.log"));
            }
            // cluster_state:ok comes once the masters cover every slot, which may be before every node has heard
            // which nodes are replicas, and before each replica has synced: a client that reads the topology then
            // would see masters without replicas, and WAIT would count no replica.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> nodes.stream()
                    .allMatch(node -> String.valueOf(node.command("CLUSTER", "INFO")).contains("cluster_state:ok")
                            && replicasKnown(node) == 3 * replicasPerMaster
                            && synced(node)));
            return nodes;
        } catch (IOException e) {
            nodes.forEach(Server::stop);
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            nodes.forEach(Server::stop);
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (RuntimeException e) {
            nodes.forEach(Server::stop);
            throw e;
        }
    }

    /** How many replicas {@code node}'s CLUSTER NODES names (a bulk string, one node per line). */
    private static long replicasKnown(Server node) {
        String nodes = node.command("CLUSTER", "NODES");
        return nodes == null ? -1 : nodes.lines().filter(line -> line.contains(" slave ") || line.contains(",slave ")).count();
    }

    /** A master, or a replica whose link to its master is up (its initial sync done). */
    private static boolean synced(Server node) {
        String replication = String.valueOf(node.command("INFO", "replication"));
        return replication.contains("role:master") || replication.contains("master_link_status:up");
    }

    /** A free port whose cluster bus port (port + 10000) is free too. */
    private static int freeClusterPort() {
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = 20000 + random.nextInt(20000);
            try (ServerSocket a = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress());
                    ServerSocket b = new ServerSocket(port + 10000, 1, java.net.InetAddress.getLoopbackAddress())) {
                return a.getLocalPort() + 0 * b.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("no free port pair for a Redis cluster node");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
