package io.authtier.runtime.resilience;

import java.io.IOException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** How failed IdP calls are told apart: which are retried, which are timeouts. */
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
}
