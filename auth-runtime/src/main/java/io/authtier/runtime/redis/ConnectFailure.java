package io.authtier.runtime.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.netty.channel.ConnectTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Why a connect to Redis failed, in words an operator can act on. Lettuce wraps every cause in a
 * {@code RedisConnectionException}; the cause is what says whether to fix the address, the network, the
 * password or the TLS setting. Fixed words only: nothing read from the wire is repeated.
 */
final class ConnectFailure {

    private static final String TLS_MISMATCH = "does redis.tls match the port?";

    private ConnectFailure() {
    }

    static String describe(Throwable failure) {
        List<Throwable> chain = chain(failure);
        if (has(chain, SSLHandshakeException.class)) {
            return "TLS handshake failed: the certificate is not trusted by the JVM's trust store or not issued for the endpoint's host name";
        }
        if (has(chain, SSLException.class)) {
            return "TLS failed (" + TLS_MISMATCH + ")";
        }
        if (chain.stream().anyMatch(ConnectFailure::refusedPassword)) {
            return "Redis refused the password: check redis.passwordFile";
        }
        if (has(chain, UnknownHostException.class)) {
            return "cannot resolve host";
        }
        if (has(chain, ConnectTimeoutException.class)) {
            return "connect timed out";
        }
        if (has(chain, ConnectException.class)) {
            return "connection refused";
        }
        if (has(chain, RedisCommandTimeoutException.class)) {
            // A TLS client at a plain port sends a ClientHello that Redis reads as half an inline command, and waits.
            return "no answer to the handshake in time (" + TLS_MISMATCH + ")";
        }
        if (has(chain, IOException.class)) {
            // A TLS port closes a plain client's connection at its first bytes.
            return "connection closed during the handshake (" + TLS_MISMATCH + ")";
        }
        return chain.getLast().getClass().getSimpleName();
    }

    private static List<Throwable> chain(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable cause = failure; cause != null && !chain.contains(cause); cause = cause.getCause()) {
            chain.add(cause);
        }
        return chain;
    }

    private static boolean has(List<Throwable> chain, Class<? extends Throwable> type) {
        return chain.stream().anyMatch(type::isInstance);
    }

    /** Redis's own error codes, never the password: {@code WRONGPASS invalid username-password pair}, {@code NOAUTH ...}. */
    private static boolean refusedPassword(Throwable cause) {
        String message = cause instanceof RedisCommandExecutionException ? String.valueOf(cause.getMessage()) : "";
        return message.startsWith("WRONGPASS") || message.startsWith("NOAUTH");
    }
}
