package io.authtier.runtime.token.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.ResourceRetriever;
import io.authtier.runtime.config.IssuerConfig;
import io.authtier.runtime.metrics.RuntimeMetrics;
import io.authtier.runtime.resilience.Failures;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The verification keys of one issuer: discovered from {@code issuerUrl/.well-known/openid-configuration}
 * ({@code jwks_uri}, and the document's {@code issuer} must equal {@code issuerUrl}), then fetched with
 * nimbus's {@link JWKSourceBuilder}: cached, refreshed ahead of expiry in the background, refetched on an
 * unknown {@code kid} at most once per interval, and kept through an IdP outage. Only keys whose type
 * fits the token's algorithm (already checked against the issuer's allowed ones) are ever selected: RSA
 * for RS* and PS*, EC for ES*, OKP with curve Ed25519 for EdDSA and Ed25519.
 *
 * <p>All fetching blocks and so runs on the start-up scheduler, nimbus's refresh thread, or the
 * verifier's worker threads; never on an event loop.
 */
public final class IssuerKeys implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(IssuerKeys.class);
    private static final JWKSelector ANY_KEY = new JWKSelector(new JWKMatcher.Builder().build());
    private static final int MAX_VERIFIERS = 256;

    private final IssuerConfig issuer;
    private final JwksPolicy policy;
    private final Clock clock;
    private final RuntimeMetrics metrics;
    private final ResourceRetriever retriever;
    private final RsaSignatures rsaSignatures;
    private volatile JWKSource<SecurityContext> source;
    private volatile URL jwksUri;
    private final Map<JWK, JWSVerifier> verifiers = new ConcurrentHashMap<>();
    private volatile boolean loaded;
    /** The JWKS as last fetched: what nimbus's cache holds until it expires. */
    private volatile Fetched lastFetched;
    /** How long {@link #lastFetched} surely is nimbus's cache: its time to live less the fetch's own time and a second. */
    private final long fetchedFreshNanos;
    /** Written under {@link #lifecycle}, with {@link #source}: a source is published only while open. */
    private volatile boolean closed;
    private final Object lifecycle = new Object();

    public IssuerKeys(IssuerConfig issuer, JwksPolicy policy, Clock clock, RuntimeMetrics metrics, ResourceRetriever retriever,
            RsaSignatures rsaSignatures) {
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.retriever = Objects.requireNonNull(retriever, "retriever");
        this.rsaSignatures = Objects.requireNonNull(rsaSignatures, "rsaSignatures");
        this.fetchedFreshNanos = policy.cacheTtl().minus(policy.httpTimeout()).minusSeconds(1).toNanos();
    }

    public IssuerConfig issuer() {
        return issuer;
    }

    /** Whether this issuer's JWKS has been fetched successfully at least once (readiness). */
    public boolean loaded() {
        return loaded;
    }

    /**
     * Loads the keys in the background on {@code scheduler}: discovery, then the JWKS; on failure tries
     * again after a backoff that doubles up to {@link JwksPolicy#MAX_STARTUP_BACKOFF}.
     */
    public void startLoading(ScheduledExecutorService scheduler) {
        scheduler.execute(() -> attempt(scheduler, policy.retryBackoff()));
    }

    private void attempt(ScheduledExecutorService scheduler, Duration backoff) {
        if (closed || loaded) {
            return;
        }
        JwksFetcher.TRIGGER.set(JwksFetcher.Trigger.STARTUP);
        try {
            JWKSource<SecurityContext> keys = sourceOrDiscover();
            if (keys == null) {
                return; // closed while discovering: nothing was built, nothing to load
            }
            int count = keys.get(ANY_KEY, null).size();
            loaded = true;
            LOG.info("issuer {}: {} keys loaded", issuer.name(), count);
        } catch (KeySourceException | IOException | RuntimeException e) {
            // Without a source, discovery failed; with one, the JWKS fetch did.
            boolean discovered = source != null;
            if (!discovered) {
                // No JWKS fetch was made for JwksFetcher to count: count the attempt here, or an IdP down
                // since start would show in no metric.
                metrics.jwksRefresh(issuer.name(), JwksFetcher.Trigger.STARTUP.label, "failure");
            }
            Duration next = backoff.multipliedBy(2).compareTo(JwksPolicy.MAX_STARTUP_BACKOFF) > 0
                    ? JwksPolicy.MAX_STARTUP_BACKOFF : backoff.multipliedBy(2);
            URI failed = URI.create(discovered ? loggable(jwksUri) : discoveryUrl());
            LOG.warn("issuer {}: cannot load keys yet ({} {}: {}); trying again in {} ms", issuer.name(),
                    discovered ? "JWKS" : "discovery", failed, Failures.describe(e, failed), backoff.toMillis());
            if (!closed) {
                scheduler.schedule(() -> attempt(scheduler, next), backoff.toMillis(), TimeUnit.MILLISECONDS);
            }
        } finally {
            JwksFetcher.TRIGGER.remove();
        }
    }

    /** The JWKS as fetched, and when ({@link System#nanoTime()}, the real time that nimbus's cache expires by). */
    private record Fetched(JWKSet keys, long atNanos) {
    }

    private void fetched(JWKSet keys) {
        lastFetched = new Fetched(keys, System.nanoTime());
        loaded = true;
    }

    /**
     * What {@link #verifiersFor} would give, taken from the JWKS fetched last while that is surely still the one in
     * nimbus's cache (younger than its time to live, less the fetch's own time and a second): never blocks. Empty when
     * the keys are older or not loaded, or no key fits (the {@code kid} may be new: only nimbus may refetch), so the
     * caller then asks {@link #verifiersFor} on a thread that may block.
     */
    Optional<List<JWSVerifier>> cachedVerifiersFor(JWSHeader header) {
        Fetched fetched = lastFetched;
        if (fetched == null || System.nanoTime() - fetched.atNanos() >= fetchedFreshNanos) {
            return Optional.empty();
        }
        List<JWSVerifier> out = verifiers(header, new JWKSelector(JWKMatcher.forJWSHeader(header)).select(fetched.keys()));
        return out.isEmpty() ? Optional.empty() : Optional.of(out);
    }

    /**
     * Verifiers for the keys that may have signed a token with {@code header}: right {@code kid}, right
     * key type (and curve) for its {@code alg}, the key's own {@code alg} absent or the same, {@code use}
     * absent or {@code sig}. A verifier is made once per key and reused. Blocks if the keys must be fetched.
     *
     * @throws NotLoadedException if the issuer has not been discovered yet
     * @throws KeySourceException if the keys cannot be had (rate limited: a refetch happened recently)
     */
    List<JWSVerifier> verifiersFor(JWSHeader header) throws KeySourceException, NotLoadedException {
        JWKSource<SecurityContext> current = source;
        if (current == null) {
            throw new NotLoadedException();
        }
        List<JWK> candidates;
        JwksFetcher.TRIGGER.set(JwksFetcher.Trigger.REQUEST);
        try {
            candidates = current.get(new JWKSelector(JWKMatcher.forJWSHeader(header)), null);
        } finally {
            JwksFetcher.TRIGGER.remove();
        }
        return verifiers(header, candidates);
    }

    /** A verifier per candidate key that fits {@code header}, made once per key and reused. */
    private List<JWSVerifier> verifiers(JWSHeader header, List<JWK> candidates) {
        List<JWSVerifier> out = new ArrayList<>(candidates.size());
        for (JWK jwk : candidates) {
            if (jwk instanceof ECKey ec && !fitsCurve(header, ec)) {
                continue; // before the cache, which is per key
            }
            JWSVerifier verifier = verifiers.get(jwk);
            if (verifier == null) {
                verifier = verifier(header, jwk);
                if (verifier == null) {
                    continue;
                }
                if (verifiers.size() >= MAX_VERIFIERS) {
                    verifiers.clear(); // keys rotated many times: start over rather than grow
                }
                verifiers.put(jwk, verifier);
            }
            out.add(verifier);
        }
        return out;
    }

    /** The selector matches the key type only: ES256 needs a P-256 key, ES384 P-384, and so on. */
    private static boolean fitsCurve(JWSHeader header, ECKey key) {
        java.util.Set<Curve> curves = Curve.forJWSAlgorithm(header.getAlgorithm());
        return curves != null && curves.contains(key.getCurve());
    }

    /**
     * A verifier for {@code jwk}'s public key, or null if it has none that fits {@code header}'s {@code alg}:
     * RSA through nimbus with AWS-LC or the JDK ({@link RsaSignatures}), EC and Ed25519 through Bouncy Castle
     * ({@link EcdsaVerifier}, {@link EdDsaVerifier}), each many times faster there than in the JDK.
     */
    private JWSVerifier verifier(JWSHeader header, JWK jwk) {
        try {
            return switch (jwk) {
                case RSAKey rsa when RSASSAVerifier.SUPPORTED_ALGORITHMS.contains(header.getAlgorithm()) ->
                        rsaSignatures.verifier(rsa.toRSAPublicKey()).orElse(null);
                case ECKey ec when EcdsaVerifier.ALGORITHMS.contains(header.getAlgorithm()) -> EcdsaVerifier.of(ec).orElse(null);
                case OctetKeyPair okp when EdDsaVerifier.ALGORITHMS.contains(header.getAlgorithm()) ->
                        EdDsaVerifier.of(okp).orElse(null);
                default -> null;
            };
        } catch (JOSEException e) {
            return null;
        }
    }

    /** The issuer has not been discovered: its JWKS location is not known. */
    static final class NotLoadedException extends Exception {
        NotLoadedException() {
            super(null, null, false, false);
        }
    }

    /**
     * The key source, discovered and built on first use; null once closed. Discovery may outlast
     * {@link #close()} (it waits for the IdP); a source built after that would start nimbus's refresh
     * threads that nothing closes, so the build happens under {@link #lifecycle} and only while open.
     */
    private JWKSource<SecurityContext> sourceOrDiscover() throws IOException {
        JWKSource<SecurityContext> current = source;
        if (current != null || closed) {
            return current;
        }
        URL discovered = discover();
        synchronized (lifecycle) {
            if (closed) {
                return null;
            }
            if (source == null) {
                this.jwksUri = discovered;
                long ttl = policy.cacheTtl().toMillis();
                this.source = JWKSourceBuilder.create(new JwksFetcher(
                                issuer.name(), discovered, retriever, clock, policy.refetchInterval(), metrics, this::fetched))
                        .cache(ttl, policy.httpTimeout().toMillis())
                        .refreshAheadCache(policy.refreshAhead().toMillis(), true)
                        .rateLimited(false)
                        .retrying(false)
                        .outageTolerant(policy.outageTolerance().toMillis())
                        .build();
            }
            return source;
        }
    }

    private String discoveryUrl() {
        String base = issuer.issuerUrl().toString();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/.well-known/openid-configuration";
    }

    private URL discover() throws IOException {
        String base = issuer.issuerUrl().toString();
        Map<String, Object> document;
        try {
            document = JSONObjectUtils.parse(retriever.retrieveResource(URI.create(discoveryUrl()).toURL()).getContent());
        } catch (ParseException e) {
            throw new IOException("the discovery document is not JSON", e);
        }
        if (!base.equals(document.get("issuer"))) {
            throw new IOException("the discovery document names another issuer; issuerUrl must match it exactly");
        }
        if (!(document.get("jwks_uri") instanceof String jwksUri)) {
            throw new IOException("the discovery document has no jwks_uri");
        }
        try {
            URI uri = new URI(jwksUri);
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
                throw new IOException("jwks_uri is not an http(s) URL");
            }
            return uri.toURL();
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IOException("jwks_uri is not a URL", e);
        }
    }

    /**
     * {@code url} without user info, query or fragment: the discovery document names the JWKS URL, and
     * whatever an IdP put there besides scheme, host, port and path is no business of a log line.
     */
    private static String loggable(URL url) {
        String port = url.getPort() < 0 ? "" : ":" + url.getPort();
        return url.getProtocol() + "://" + url.getHost() + port + url.getPath();
    }

    @Override
    public void close() throws IOException {
        JWKSource<SecurityContext> built;
        synchronized (lifecycle) {
            closed = true;
            built = source;
        }
        if (built instanceof Closeable closeable) {
            closeable.close();
        }
    }
}
