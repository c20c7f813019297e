package io.authtier.runtime.token.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.util.Base64URL;
import io.authtier.runtime.config.SignatureAlgorithm;
import io.authtier.runtime.token.Rejection;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The signature of a {@link CompactJws} against its issuer's keys: shared by access, ID and logout tokens. */
final class SignatureCheck {

    private static final Set<String> KNOWN_ALGORITHMS = Arrays.stream(SignatureAlgorithm.values())
            .map(Enum::name).collect(Collectors.toUnmodifiableSet());

    private SignatureCheck() {
    }

    /** What the check found. */
    sealed interface Result {
    }

    record Verified() implements Result {
    }

    record Refused(Rejection rejection) implements Result {
    }

    /** The keys cannot be had: nobody can tell whether the signature is good. */
    record Unavailable(String reason) implements Result {
    }

    /** Whether {@code jws}'s {@code alg} is one this issuer allows (never none or HMAC: not in the enum). */
    static boolean algorithmAllowed(CompactJws jws, IssuerKeys issuer) {
        String algorithm = jws.algorithm();
        return KNOWN_ALGORITHMS.contains(algorithm)
                && issuer.issuer().allowedAlgorithms().stream().anyMatch(allowed -> allowed.name().equals(algorithm));
    }

    /**
     * A signature segment decoded once, by the JDK's decoder: nimbus's own decodes on every call, in constant
     * time (meant for secrets, which a signature is not), and took a tenth of a first-seen RS256 check's CPU.
     * {@link CompactJws} has already refused a segment that is not canonical base64url.
     */
    private static final class DecodedSignature extends Base64URL {

        private final byte[] bytes;

        DecodedSignature(String segment) {
            super(segment);
            this.bytes = java.util.Base64.getUrlDecoder().decode(segment);
        }

        @Override
        public byte[] decode() {
            return bytes.clone();
        }
    }

    /** Checks the signature; may block while the issuer's JWKS is fetched, so never on an event loop. */
    static Result verify(CompactJws jws, IssuerKeys issuer) {
        String name = issuer.issuer().name();
        try {
            JWSHeader header = header(jws);
            return check(jws, header, issuer.verifiersFor(header));
        } catch (ParseException e) {
            return new Refused(Rejection.MALFORMED);
        } catch (RateLimitReachedException e) {
            return new Refused(Rejection.UNKNOWN_KEY); // the JWKS was fetched a moment ago: the kid is not in it
        } catch (KeySourceException e) {
            return new Unavailable("keys of issuer " + name + " unavailable");
        } catch (IssuerKeys.NotLoadedException e) {
            return new Unavailable("keys of issuer " + name + " not loaded yet");
        } catch (RuntimeException e) {
            return new Refused(Rejection.BAD_SIGNATURE);
        }
    }

    /**
     * The same check against keys already at hand ({@link IssuerKeys#cachedVerifiersFor}): never blocks, so it may
     * run on any thread. Empty when the keys are not at hand; then {@link #verify} must run where blocking is allowed.
     */
    static Optional<Result> verifyWithCachedKeys(CompactJws jws, IssuerKeys issuer) {
        try {
            JWSHeader header = header(jws);
            return issuer.cachedVerifiersFor(header).map(verifiers -> check(jws, header, verifiers));
        } catch (ParseException e) {
            return Optional.of(new Refused(Rejection.MALFORMED));
        } catch (RuntimeException e) {
            return Optional.of(new Refused(Rejection.BAD_SIGNATURE));
        }
    }

    private static JWSHeader header(CompactJws jws) throws ParseException {
        return JWSHeader.parse(jws.header(), new Base64URL(jws.headerSegment()));
    }

    private static Result check(CompactJws jws, JWSHeader header, List<JWSVerifier> verifiers) {
        if (verifiers.isEmpty()) {
            return new Refused(Rejection.UNKNOWN_KEY);
        }
        try {
            byte[] signingInput = (jws.headerSegment() + '.' + jws.payloadSegment()).getBytes(StandardCharsets.US_ASCII);
            Base64URL signature = new DecodedSignature(jws.signature());
            for (JWSVerifier verifier : verifiers) {
                if (verifier.verify(header, signingInput, signature)) {
                    return new Verified();
                }
            }
            return new Refused(Rejection.BAD_SIGNATURE);
        } catch (JOSEException | RuntimeException e) {
            // e.g. an out-of-range ECDSA signature that the JCA provider refuses to parse
            return new Refused(Rejection.BAD_SIGNATURE);
        }
    }
}
