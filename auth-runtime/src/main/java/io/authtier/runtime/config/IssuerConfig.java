package io.authtier.runtime.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of {@code issuers}: an OIDC provider (e.g. a Keycloak realm) whose tokens are accepted.
 *
 * @param name              a DNS-label-like id, unique; used in metrics and by {@code sessions.login.issuer}
 * @param issuerUrl         absolute http(s) URL; its text is compared exactly with a token's {@code iss}
 * @param audiences         a token must name at least one of these in {@code aud}
 * @param allowedAlgorithms the only {@code alg} values accepted, all asymmetric
 * @param clockSkew         tolerance for {@code exp}, {@code nbf} and {@code iat}; 0..5m
 * @param introspection     how to check opaque tokens; empty if this issuer's tokens are all JWTs
 */
public record IssuerConfig(
        String name,
        URI issuerUrl,
        List<String> audiences,
        List<SignatureAlgorithm> allowedAlgorithms,
        Duration clockSkew,
        Optional<IntrospectionConfig> introspection) {

    public IssuerConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(issuerUrl, "issuerUrl");
        audiences = List.copyOf(audiences);
        allowedAlgorithms = List.copyOf(allowedAlgorithms);
        Objects.requireNonNull(clockSkew, "clockSkew");
        Objects.requireNonNull(introspection, "introspection");
    }

    /**
     * Whether this issuer is reached over plain http on another machine: its discovery document, signing
     * keys and introspection then cross the network in cleartext. A local IdP on the loopback is not.
     */
    public boolean cleartextOffHost() {
        return "http".equalsIgnoreCase(issuerUrl.getScheme()) && !IpLiterals.isLoopback(issuerUrl.getHost());
    }
}
