package io.authtier.runtime.token.jwt;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Objects;
import java.util.Optional;

/**
 * Where RS* and PS* signatures are checked: AWS-LC, through the Amazon Corretto Crypto Provider, where its
 * native library loads and passes its self-tests (Linux x86_64), else the JDK. A first-seen RS256 token is
 * the runtime's costliest common check; the JDK's RSA public operation alone took about 50 µs of CPU on
 * this project's machine, AWS-LC's whole check about half of that (docs/benchmarks.md).
 *
 * <p>The provider is used for these checks only, never installed for the whole JVM. Each key is handed
 * to it once, when its verifier is made, so that the checks do not convert it again.
 */
public final class RsaSignatures {

    /** The shortest RSA modulus accepted, in bits (RFC 7518). */
    static final int MIN_MODULUS_BITS = 2048;

    private final Optional<Provider> nativeProvider;
    private final String description;

    private RsaSignatures(Optional<Provider> nativeProvider, String description) {
        this.nativeProvider = nativeProvider;
        this.description = description;
    }

    /** AWS-LC where it can be used, else the JDK; {@link #description()} says which and why. */
    public static RsaSignatures best() {
        try {
            AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
            if (accp.getLoadingError() != null) {
                return jdkBecause("AWS-LC unavailable: " + accp.getLoadingError().getMessage());
            }
            accp.assertHealthy(); // runs its self-tests
            return new RsaSignatures(Optional.of(accp),
                    accp.getAwsLcVersionStr() + " (Amazon Corretto Crypto Provider " + accp.getVersionStr() + ")");
        } catch (RuntimeException | LinkageError e) {
            return jdkBecause("AWS-LC unavailable: " + e);
        }
    }

    /** The JDK's own RSA (SunRsaSign). */
    public static RsaSignatures jdk() {
        return new RsaSignatures(Optional.empty(), "the JDK's SunRsaSign");
    }

    private static RsaSignatures jdkBecause(String reason) {
        return new RsaSignatures(Optional.empty(), "the JDK's SunRsaSign (" + reason + ")");
    }

    /** Whether AWS-LC checks the signatures. */
    public boolean isNative() {
        return nativeProvider.isPresent();
    }

    /** For the start-up log: which implementation checks RSA signatures. */
    public String description() {
        return description;
    }

    /**
     * A verifier of RS256/384/512 and PS256/384/512 signatures by {@code key}, or empty for a key shorter than
     * {@value #MIN_MODULUS_BITS} bits, which RFC 7518 (3.3, 3.5) forbids for these algorithms: tokens it
     * signed are refused as signed by no usable key.
     */
    Optional<JWSVerifier> verifier(RSAPublicKey key) {
        Objects.requireNonNull(key, "key");
        if (key.getModulus().bitLength() < MIN_MODULUS_BITS) {
            return Optional.empty();
        }
        if (nativeProvider.isEmpty()) {
            return Optional.of(new RSASSAVerifier(key));
        }
        Provider provider = nativeProvider.get();
        RSAPublicKey nativeKey;
        try {
            nativeKey = (RSAPublicKey) KeyFactory.getInstance("RSA", provider)
                    .generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
        } catch (GeneralSecurityException | RuntimeException e) {
            return Optional.of(new RSASSAVerifier(key)); // a key AWS-LC does not take (say, over 16 384 bits): the JDK judges
        }
        RSASSAVerifier verifier = new RSASSAVerifier(nativeKey);
        verifier.getJCAContext().setProvider(provider);
        return Optional.of(verifier);
    }

    @Override
    public String toString() {
        return "RsaSignatures[" + description + "]";
    }
}
