package io.authtier.runtime.session;

import java.time.Duration;

/**
 * A session was not created because its IdP session had been ended by a back-channel logout already (for
 * its user, or for all): the logout overtook the login that was finishing under it. Expected, not a store
 * failure; the login is refused and the user logs in again. No message: nothing about the session is named.
 */
public final class IdpSessionEndedException extends RuntimeException {

    /**
     * How long an ended IdP session is remembered: as long as a login started under it can still finish
     * (its pending login lives at most 10 minutes), with a minute to spare for the callback's own calls.
     */
    public static final Duration REMEMBERED = Duration.ofMinutes(11);

    public IdpSessionEndedException() {
        super(null, null, false, false);
    }
}
