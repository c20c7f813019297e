package io.authtier.runtime.session;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** The session store could not answer (Redis down, timed out). The message never holds session data. */
public final class SessionStoreException extends RuntimeException {

    public SessionStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Runs {@code action}; a failure, thrown or in the stage, becomes a {@link SessionStoreException} that
     * names {@code store} and the failure's class only (a driver's message could quote a command and its
     * arguments). An {@link IllegalArgumentException} thrown by {@code action} is the caller's mistake, not
     * the store's, and fails the stage as is; a {@link SessionStoreException} or an
     * {@link IdpSessionEndedException} (an expected outcome) stays as it is.
     */
    public static <T> CompletionStage<T> guard(String store, Supplier<CompletionStage<T>> action) {
        CompletionStage<T> stage;
        try {
            stage = action.get();
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(of(store, e));
        }
        return stage.handle((value, error) -> {
            if (error != null) {
                if (unwrap(error) instanceof IdpSessionEndedException ended) {
                    throw ended; // an expected outcome, not a store failure
                }
                throw of(store, error);
            }
            return value;
        });
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    private static SessionStoreException of(String store, Throwable error) {
        Throwable cause = unwrap(error);
        if (cause instanceof SessionStoreException known) {
            return known;
        }
        return new SessionStoreException(store + " failed: " + cause.getClass().getSimpleName(), cause);
    }
}
