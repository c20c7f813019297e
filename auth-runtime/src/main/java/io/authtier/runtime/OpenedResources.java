package io.authtier.runtime;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BiConsumer;

/**
 * What {@link RuntimeApp} has opened, in the order it opened it, closed in reverse: by a constructor that fails
 * half way and by {@link RuntimeApp#stop()}, from this one list, so that the two cannot close different things.
 * Each resource is closed at most once: closing takes it off the list.
 */
final class OpenedResources {

    private record Opened(String what, AutoCloseable closing) {
    }

    private final Deque<Opened> opened = new ArrayDeque<>();

    /** Adds {@code resource}, to be closed by its own {@code close()}; returns it. */
    <T extends AutoCloseable> T add(String what, T resource) {
        return add(what, resource, resource);
    }

    /**
     * Adds {@code resource}, to be closed by {@code closing} (e.g. {@code shutdownNow}, where {@code close()} would
     * wait for work in progress); returns it.
     *
     * @param what names it in the log and in failures to close, e.g. "the session store"
     */
    synchronized <T> T add(String what, T resource, AutoCloseable closing) {
        opened.push(new Opened(what, closing));
        return resource;
    }

    /**
     * Closes everything, newest first, after {@code failure} (which is then thrown on): what fails to close is added
     * to it as suppressed, and the rest is closed all the same.
     */
    void closeAfter(Throwable failure) {
        closeAll((what, e) -> failure.addSuppressed(e));
    }

    /** Closes everything, newest first; {@code failed} hears of each resource that fails to close, and the rest is closed all the same. */
    void closeAll(BiConsumer<String, Exception> failed) {
        for (Opened next = poll(); next != null; next = poll()) {
            try {
                next.closing().close();
            } catch (Exception e) {
                failed.accept(next.what(), e);
            }
        }
    }

    private synchronized Opened poll() {
        return opened.poll();
    }
}
