package io.authtier.runtime.session;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * A thread's reusable buffer for a session's plaintext on its way into {@link SessionCipher#seal}: read in place,
 * not copied out, and wiped after each use, since it holds tokens. The encoder's own buffer and the copy out of it
 * were a quarter of what a session create allocated (docs/benchmarks.md, "Eleventh session").
 */
final class PlaintextBuffer extends ByteArrayOutputStream {

    /** A buffer grown past this by an unusually large session is not kept for the next one. */
    static final int MAX_KEPT_BYTES = 64 * 1024;
    private static final int INITIAL_BYTES = 4 * 1024;

    PlaintextBuffer() {
        super(INITIAL_BYTES);
    }

    /** The bytes written since the last {@link #wipe()}: from 0 to {@link #size()}. Not a copy. */
    byte[] bytes() {
        return buf;
    }

    /** Zeroes what was written, and forgets it. */
    void wipe() {
        Arrays.fill(buf, 0, count, (byte) 0);
        reset();
        if (buf.length > MAX_KEPT_BYTES) {
            buf = new byte[INITIAL_BYTES];
        }
    }
}
