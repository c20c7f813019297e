package io.authtier.runtime.resilience;

import java.io.Serial;

/** The IdP answered with an HTTP status other than 200. Its message holds the status only, never a body. */
public final class IdpStatusException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final int status;

    public IdpStatusException(String what, int status) {
        super(what + " answered HTTP " + status, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public boolean isServerError() {
        return status >= 500 && status <= 599;
    }
}
