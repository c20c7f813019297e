package io.authtier.runtime.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on a free loopback port in front of one target (a Redis), for failures no real server
 * shows on cue: {@link #cut()} closes every connection (the peer sees them end), and {@link #blackhole}
 * makes the link accept connections and bytes but pass nothing either way (a peer that is gone without
 * a RST, a stuck middlebox): what is sent meanwhile is lost, as on a link that dropped it, and what is
 * sent after {@code blackhole(false)} passes again on the same connections.
 */
public final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean blackholed;
    private volatile boolean closed;

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
                Thread.ofVirtual().name("tcp-proxy-up").start(() -> pump(client, upstream));
                Thread.ofVirtual().name("tcp-proxy-down").start(() -> pump(upstream, client));
            });
        }
    }

    /** Copies {@code from} to {@code to}, dropping what arrives while blackholed; closes both at the end. */
    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int read;
            while ((read = in.read(buffer)) != -1) {
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
        try {
            server.close();
        } catch (IOException e) {
            // already closed
        }
        cut();
    }
}
