package io.authtier.runtime.session;

/** What {@link SessionStore#load} found. Store failures (Redis down) are a failed stage, not a lookup. */
public sealed interface SessionLookup {

    /** A live session; its {@code lastSeenAt} is recorded at most once a minute. */
    record Found(Session session) implements SessionLookup {
    }

    /** No such session: never created, deleted, or removed by its TTL. */
    record Absent() implements SessionLookup {
    }

    /** The session was there but past its idle or absolute timeout; it has been deleted. */
    record Expired() implements SessionLookup {
    }

    /** A value is stored under the id but does not open with the ticket's key: a forged or mixed-up ticket. */
    record Unreadable() implements SessionLookup {
    }
}
