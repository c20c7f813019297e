package io.authtier.runtime.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy on a free loopback port in front of one target (a Redis), for failures no real server
 * shows on cue: {@link #cut()} closes every connection (the peer sees them end), and {@link #blackhole}
 * makes the link accept connections and bytes but pass nothing either way (a peer that is gone without
 * a RST, a stuck middlebox): what is sent meanwhile is lost, as on a link that dropped it, and what is
 * sent after {@code blackhole(false)} passes again on the same connections. {@link #holdFrom} holds up what
 * clients send, from a given command on, without losing any of it: a write that reaches the server late.
 */
public final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean blackholed;
    private volatile boolean closed;
    private volatile Hold hold;

    /** Clients' bytes from the first read that contains {@code marker} on wait for {@code released}. */
    private record Hold(byte[] marker, CountDownLatch held, CountDownLatch released) {
    }

    /** Listens now, in front of {@code 127.0.0.1:targetPort}. */
    public TcpProxy(int targetPort) {
        this.targetPort = targetPort;
        try {
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofVirtual().name("tcp-proxy-accept").start(this::accept);
    }

    /** The port the proxy listens on. */
    public int port() {
        return server.getLocalPort();
    }

    /** While on, connections are accepted and read, and nothing is passed on in either direction. */
    public void blackhole(boolean on) {
        blackholed = on;
    }

    /**
     * From the first bytes a client sends that contain {@code marker} (a key of the command to hold up), holds
     * those bytes and every later one of that client's until {@link #release()}: then they pass, in order.
     */
    public void holdFrom(String marker) {
        hold = new Hold(marker.getBytes(StandardCharsets.UTF_8), new CountDownLatch(1), new CountDownLatch(1));
    }

    /** Whether a client's bytes were held by {@link #holdFrom} within {@code timeout}. */
    public boolean awaitHeld(Duration timeout) throws InterruptedException {
        return hold.held().await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Lets the held bytes pass, and holds nothing more. */
    public void release() {
        Hold current = hold;
        hold = null;
        if (current != null) {
            current.released().countDown();
        }
    }

    /** Closes every connection open now; new ones are accepted as before. */
    public void cut() {
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            sockets.add(client);
            Thread.ofVirtual().name("tcp-proxy-connect").start(() -> {
                Socket upstream = new Socket();
                try {
                    upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2000);
                } catch (IOException e) {
                    closeQuietly(client);
                    closeQuietly(upstream);
                    return;
                }
                sockets.add(upstream);
                Thread.ofVirtual().name("tcp-proxy-up").start(() -> pump(client, upstream, true));
                Thread.ofVirtual().name("tcp-proxy-down").start(() -> pump(upstream, client, false));
            });
        }
    }

    /**
     * Copies {@code from} to {@code to}, dropping what arrives while blackholed, and holding a client's bytes
     * ({@code fromClient}) once they contain the marker of {@link #holdFrom}; closes both at the end.
     */
    private void pump(Socket from, Socket to, boolean fromClient) {
        byte[] buffer = new byte[16 * 1024];
        byte[] tail = new byte[0];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int read;
            while ((read = in.read(buffer)) != -1) {
                Hold current = hold;
                if (fromClient && current != null) {
                    // With the end of the previous read: a marker split across two reads is found too.
                    byte[] seen = concat(tail, buffer, read);
                    if (contains(seen, current.marker())) {
                        current.held().countDown();
                        awaitQuietly(current.released());
                    }
                    tail = Arrays.copyOfRange(seen, Math.max(0, seen.length - current.marker().length), seen.length);
                }
                if (!blackholed) {
                    out.write(buffer, 0, read);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // one side closed or was cut
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static byte[] concat(byte[] tail, byte[] buffer, int length) {
        byte[] joined = Arrays.copyOf(tail, tail.length + length);
        System.arraycopy(buffer, 0, joined, tail.length, length);
        return joined;
    }

    private static boolean contains(byte[] bytes, byte[] marker) {
        for (int i = 0; i + marker.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + marker.length, marker, 0, marker.length)) {
                return true;
            }
        }
        return false;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeQuietly(Socket socket) {
        sockets.remove(socket);
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        release();
        try {
            server.close();
        } catch (IOException e) {
            // already closed
        }
        cut();
    }
}
