package io.authtier.runtime.token;

import java.util.concurrent.CompletionStage;

/**
 * Decides whether a bearer token is good. Implementations answer a token they have already seen
 * without blocking: the returned stage is then already complete, so a caller on an event loop may use it
 * directly. Anything that may block (fetching keys, calling the IdP) runs elsewhere and completes the
 * stage later.
 */
public interface TokenVerifier {

    /**
     * Checks {@code token}, the text after {@code Bearer }. Never completes exceptionally: every outcome is
     * a {@link Verdict}.
     */
    CompletionStage<Verdict> verify(String token);
}
