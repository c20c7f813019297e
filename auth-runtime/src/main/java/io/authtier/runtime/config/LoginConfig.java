package io.authtier.runtime.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code sessions.login}: the OIDC authorization code flow (with PKCE) that creates browser sessions.
 *
 * @param issuer                 the {@code name} of one of the configured issuers
 * @param clientId               the client id at that issuer
 * @param clientSecretFile       absolute path of the client secret file; empty for a public client
 * @param scopes                 requested scopes; contains {@code openid}
 * @param allowedRedirectDomains host names a login may return to, {@code *.example.com} for subdomains;
 *                               anything else is refused (no open redirect)
 */
public record LoginConfig(
        String issuer,
        String clientId,
        Optional<Path> clientSecretFile,
        List<String> scopes,
        List<String> allowedRedirectDomains) {

    public LoginConfig {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(clientSecretFile, "clientSecretFile");
        scopes = List.copyOf(scopes);
        allowedRedirectDomains = List.copyOf(allowedRedirectDomains);
    }
}
