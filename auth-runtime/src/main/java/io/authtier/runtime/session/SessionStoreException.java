package io.authtier.runtime.session;

/** The session store could not answer (Redis down, timed out). The message never holds session data. */
public final class SessionStoreException extends RuntimeException {

    public SessionStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
