package io.authtier.runtime.config;

import java.net.URI;
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
 * @param redirectUrl            the absolute URL of {@code /oauth2/callback} as browsers reach it, registered at the
 *                               IdP; empty to derive it from each request ({@code X-Forwarded-Proto}/{@code -Host}
 *                               from a trusted proxy, else {@code Host}) whose host is one of allowedRedirectDomains
 * @param redirectToLogin        whether {@code /auth} answers a browser without a session (a request that accepts
 *                               {@code text/html}) with a redirect to {@code /oauth2/start} instead of 401
 */
public record LoginConfig(
        String issuer,
        String clientId,
        Optional<Path> clientSecretFile,
        List<String> scopes,
        List<String> allowedRedirectDomains,
        Optional<URI> redirectUrl,
        boolean redirectToLogin) {

    public LoginConfig {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(clientSecretFile, "clientSecretFile");
        scopes = List.copyOf(scopes);
        allowedRedirectDomains = List.copyOf(allowedRedirectDomains);
        Objects.requireNonNull(redirectUrl, "redirectUrl");
    }

    /**
     * Whether a callback on {@code host} may be plain http: only on the loopback (development), since the
     * session cookie is {@code Secure} and a code sent over http can be read on the way.
     */
    public static boolean plainHttpAllowed(String host) {
        return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
    }
}
