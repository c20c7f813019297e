package io.authtier.runtime.redis;

/** No replica of a Redis master confirmed a write in time (WAIT): the write may be undone by a failover. */
public final class ReplicationNotConfirmedException extends RuntimeException {

    /** @param master {@code host:port} of the master (no key, no value) */
    public ReplicationNotConfirmedException(String master, long timeoutMillis) {
        super("no replica of " + master + " confirmed the write within " + timeoutMillis + " ms");
    }
}
