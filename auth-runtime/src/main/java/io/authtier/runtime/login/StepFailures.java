package io.authtier.runtime.login;

import io.authtier.runtime.resilience.Failures;
import io.authtier.runtime.session.SessionStoreException;

/**
 * Why a step of a login, refresh or logout failed, in words for one log line: the session store's failure
 * (which names the driver's exception class) or the login issuer's, found inside the stage's wrappers
 * ({@code CompletionException} names nothing). Never a value, token or key.
 */
final class StepFailures {

    private StepFailures() {
    }

    static String describe(Throwable error) {
        return Failures.unwrap(error) instanceof SessionStoreException store
                ? "the session store cannot answer (" + store.getMessage() + ")"
                : TokenEndpoint.describe(error);
    }
}
