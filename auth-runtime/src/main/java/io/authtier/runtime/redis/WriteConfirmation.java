package io.authtier.runtime.redis;

import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Confirms that the writes this connection has made to some keys are held by more than the master that
 * acknowledged them, so that a failover cannot undo them: for logouts, whose deletes must not come back
 * when a replica that never saw them is promoted.
 */
public interface WriteConfirmation {

    /** Nothing to confirm (standalone Redis: no failover of its own). */
    WriteConfirmation NONE = keys -> CompletableFuture.completedFuture(null);

    /**
     * Completes once the writes made so far on this connection to the masters of {@code keys} are confirmed;
     * fails with {@link ReplicationNotConfirmedException} if a master that has replicas gets no confirmation
     * in time. Call it after those writes have been answered.
     */
    CompletionStage<Void> confirm(Collection<String> keys);
}
