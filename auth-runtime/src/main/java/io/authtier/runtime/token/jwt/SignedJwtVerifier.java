package io.authtier.runtime.token.jwt;

import io.authtier.runtime.token.Rejection;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;

/**
 * Verifies JWTs of one issuer that are not access tokens: the ID token of a login and the logout token of
 * a back-channel logout. It checks what every JWT of the issuer must pass (size, shape and header as for
 * access tokens, the exact {@code iss}, a pinned algorithm, the signature against the issuer's JWKS) and
 * hands the claims back; the claim rules of each kind of token are the caller's.
 */
public final class SignedJwtVerifier {

    private final IssuerKeys issuer;
    private final Executor worker;
    private final int maxTokenBytes;
    private final Semaphore pending;

    /**
     * @param issuer        the issuer's keys
     * @param worker        where the signature check runs when the keys are not at hand (it may block on a JWKS fetch)
     * @param maxTokenBytes longer tokens are refused unread
     * @param maxPending    how many tokens may await their signature check at once; beyond that a token is
     *                      {@link Undecidable} at once: anyone may post logout tokens, and forged ones must not
     *                      queue without bound ({@link JwtVerifier#DEFAULT_MAX_PENDING})
     */
    public SignedJwtVerifier(IssuerKeys issuer, Executor worker, int maxTokenBytes, int maxPending) {
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.worker = Objects.requireNonNull(worker, "worker");
        this.maxTokenBytes = maxTokenBytes;
        this.pending = new Semaphore(maxPending);
    }

    /** What {@link #verify} found. */
    public sealed interface Checked {
    }

    /** Signed by the issuer; the claims are now trusted as the issuer's, but not yet checked. */
    public record Valid(Map<String, Object> claims) implements Checked {
    }

    public record Invalid(Rejection rejection) implements Checked {
    }

    /** The issuer's keys cannot be had. */
    public record Undecidable(String reason) implements Checked {
    }

    /**
     * Verifies {@code token}, whose {@code typ} header, if any, must be one of {@code types} (lower case).
     * Never completes exceptionally.
     */
    public CompletionStage<Checked> verify(String token, Set<String> types) {
        if (token.length() > maxTokenBytes) {
            return done(new Invalid(Rejection.TOO_LARGE));
        }
        return switch (CompactJws.read(token, types)) {
            case CompactJws.Invalid(Rejection rejection) -> done(new Invalid(rejection));
            case CompactJws.Valid(CompactJws jws) -> {
                if (!issuer.issuer().issuerUrl().toString().equals(jws.claims().get("iss"))) {
                    yield done(new Invalid(Rejection.UNKNOWN_ISSUER));
                }
                if (!SignatureCheck.algorithmAllowed(jws, issuer)) {
                    yield done(new Invalid(Rejection.ALGORITHM_NOT_ALLOWED));
                }
                // With the keys at hand (the usual case) the check is some microseconds of CPU: done here, without
                // the hop to a worker thread and back, which cost a login's callback a few hundred microseconds.
                var atHand = SignatureCheck.verifyWithCachedKeys(jws, issuer);
                if (atHand.isPresent()) {
                    yield done(checked(atHand.get(), jws));
                }
                if (!pending.tryAcquire()) {
                    yield done(new Undecidable("too many tokens awaiting a signature check"));
                }
                try {
                    yield CompletableFuture.supplyAsync(() -> {
                        try {
                            return checked(SignatureCheck.verify(jws, issuer), jws);
                        } finally {
                            pending.release();
                        }
                    }, worker);
                } catch (RejectedExecutionException e) {
                    pending.release();
                    yield done(new Undecidable("shutting down"));
                }
            }
        };
    }

    private static Checked checked(SignatureCheck.Result result, CompactJws jws) {
        return switch (result) {
            case SignatureCheck.Verified verified -> new Valid(jws.claims());
            case SignatureCheck.Refused(Rejection rejection) -> new Invalid(rejection);
            case SignatureCheck.Unavailable(String reason) -> new Undecidable(reason);
        };
    }

    private static CompletionStage<Checked> done(Checked checked) {
        return CompletableFuture.completedFuture(checked);
    }
}
