package io.authtier.runtime.session;

/**
 * What became of a write made on condition that the writer still holds the session's refresh lock
 * ({@link SessionStore#updateUnderLock}): checked and written in one step, so a write that reaches the store
 * after the lock has ended (held up on the wire or in the store) changes nothing.
 */
public enum LockedWrite {
    /** Written: the lock was still the writer's. */
    STORED,
    /** Nothing written: the session is gone (signed out, expired). */
    GONE,
    /** Nothing written: the lock has ended, or another holds it (another replica may be refreshing). */
    LOCK_LOST
}
