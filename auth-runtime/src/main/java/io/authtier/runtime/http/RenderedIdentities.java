package io.authtier.runtime.http;

import io.authtier.runtime.token.Principal;
import io.vertx.core.MultiMap;

/**
 * The identity headers of principals that come back. A token answered from the verified-token cache
 * returns the same {@link Principal} instance every time, so its headers are checked and encoded once
 * and kept beside it in a direct-mapped table (slot by identity hash; a collision only renders again).
 * Writing them was the largest part of a cached {@code /auth}'s own CPU (docs/benchmarks.md). Principals
 * made per request (introspection, sessions) are written directly: keeping them would only add work.
 *
 * <p>Slots are written without locks: a slot is an immutable pair, so a thread sees either an old pair
 * or a whole new one, and checks it is for its principal before using it.
 */
final class RenderedIdentities {

    private record Slot(Principal principal, IdentityHeaders.Rendered headers) {
    }

    private final Slot[] slots;

    /** @param slots a power of two: how many principals are remembered at most */
    RenderedIdentities(int slots) {
        if (Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two, got " + slots);
        }
        this.slots = new Slot[slots];
    }

    /** Adds {@code principal}'s headers; returns which of {@link IdentityHeaders#ALL} they are. */
    int write(Principal principal, MultiMap headers) {
        if (principal.method() != Principal.Method.JWT) {
            return IdentityHeaders.write(principal, headers);
        }
        int index = System.identityHashCode(principal) & (slots.length - 1);
        Slot slot = slots[index];
        if (slot == null || slot.principal() != principal) {
            slot = new Slot(principal, IdentityHeaders.render(principal));
            slots[index] = slot;
        }
        slot.headers().addTo(headers);
        return slot.headers().present();
    }
}
