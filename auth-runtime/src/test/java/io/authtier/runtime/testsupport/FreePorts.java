package io.authtier.runtime.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Loopback ports that were free a moment ago. */
public final class FreePorts {

    private FreePorts() {
    }

    public static int next() {
        return next(1)[0];
    }

    /**
     * {@code count} different ports: held open together while they are chosen, as the kernel may hand the same
     * port out again right after it was closed (two calls of {@link #next()} once gave a runtime one port twice).
     */
    public static int[] next(int count) {
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket socket : sockets) {
                if (socket != null) {
                    try {
                        socket.close();
                    } catch (IOException ignored) {
                        // a port that stays bound a moment longer is bound by nobody else either
                    }
                }
            }
        }
    }
}
