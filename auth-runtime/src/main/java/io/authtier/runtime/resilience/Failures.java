package io.authtier.runtime.resilience;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** How failed IdP calls are told apart: which are retried, which are timeouts; and how one reads in a log. */
public final class Failures {

    private Failures() {
    }

    /** The cause inside {@link CompletionException} / {@link ExecutionException} wrappers. */
    public static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * Retried: connection errors (refused, reset, closed, connect timeout) and 5xx. Not retried: a
     * response timeout (the IdP is slow; asking again makes it slower), 4xx, unreadable answers, an open
     * circuit or a full bulkhead.
     */
    public static boolean isRetryable(Throwable error) {
        Throwable t = unwrap(error);
        if (t instanceof IdpStatusException status) {
            return status.isServerError();
        }
        if (t instanceof HttpConnectTimeoutException) {
            return true;
        }
        return t instanceof IOException && !(t instanceof HttpTimeoutException);
    }

    /** A response (or connect) timeout. */
    public static boolean isTimeout(Throwable error) {
        return unwrap(error) instanceof HttpTimeoutException;
    }

    /**
     * Why a call to {@code target} failed, in words for one log line: the innermost exception in the
     * chain that says something, as its simple class name and message. The JDK's HTTP client reports an
     * unknown host and a refused connection without any message (a ConnectException around an
     * UnresolvedAddressException or a ClosedChannelException), so those two are named as such.
     */
    public static String describe(Throwable error, URI target) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = error; t != null && !chain.contains(t) && chain.size() < 16; t = t.getCause()) {
            chain.add(t);
        }
        for (Throwable t : chain.reversed()) {
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return "cannot resolve host " + target.getHost();
            }
            if (t instanceof ConnectException && t.getMessage() == null) {
                return "connection refused";
            }
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getClass().getSimpleName() + ": " + t.getMessage().strip().replaceAll("\\s+", " ");
            }
        }
        return error.getClass().getSimpleName();
    }
}
