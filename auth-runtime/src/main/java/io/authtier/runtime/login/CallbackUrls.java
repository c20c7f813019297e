package io.authtier.runtime.login;

import io.authtier.runtime.config.LoginConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code redirect_uri} of a login: {@code sessions.login.redirectUrl}, or else {@code /oauth2/callback}
 * on the origin the browser used. A derived one must be on a host of {@code allowedRedirectDomains}: the
 * origin comes from {@code Host} (or a trusted proxy's {@code X-Forwarded-Host}), which a client can
 * forge, and the IdP sends the code wherever the redirect_uri points if its registration is loose. Plain
 * http only on the loopback, as for {@code redirectUrl}.
 */
final class CallbackUrls {

    static final String PATH = "/oauth2/callback";

    /** Where the callback is, or why there is none for this request. */
    sealed interface Callback {
    }

    record Url(String value) implements Callback {
    }

    /**
     * @param outcome the {@code authtier_logins_total} outcome
     * @param host    the refused host, for the log (a host name or IP literal: the origin allows nothing else)
     * @param message the answer's body: what to configure, never a value from the request
     */
    record Refused(String outcome, String host, String message) implements Callback {
    }

    private final Optional<URI> configured;
    private final AllowedHosts hosts;

    CallbackUrls(LoginConfig config) {
        this.configured = Objects.requireNonNull(config, "config").redirectUrl();
        this.hosts = new AllowedHosts(config.allowedRedirectDomains());
    }

    /** @param origin {@code scheme://host[:port]} as the browser reached the runtime, if the request names one */
    Callback of(Optional<String> origin) {
        if (configured.isPresent()) {
            return new Url(configured.get().toString());
        }
        URI uri = origin.flatMap(CallbackUrls::parse).orElse(null);
        if (uri == null) {
            return new Refused("no_host", "", "the request names no usable host; set sessions.login.redirectUrl or send a Host header");
        }
        if (!hosts.allows(uri.getHost())) {
            return new Refused("callback_host_refused", uri.getHost(), "this host may not receive logins: list it in "
                    + "sessions.login.allowedRedirectDomains, or set sessions.login.redirectUrl");
        }
        if (!"https".equals(uri.getScheme()) && !LoginConfig.plainHttpAllowed(uri.getHost())) {
            return new Refused("callback_not_https", uri.getHost(), "logins need https on this host: let a trusted proxy "
                    + "(server.trustedProxies) send X-Forwarded-Proto: https, or set sessions.login.redirectUrl");
        }
        return new Url(origin.get() + PATH);
    }

    /**
     * The origin ({@code scheme://host[:port]}) that {@link #of} puts this request's callback on: the one a
     * path on "this host" is made absolute with for the IdP (the post-logout redirect), under the same rule.
     */
    Callback origin(Optional<String> origin) {
        return switch (of(origin)) {
            case Url url -> {
                URI callback = URI.create(url.value());
                yield new Url(callback.getScheme() + "://" + callback.getRawAuthority());
            }
            case Refused refused -> refused;
        };
    }

    private static Optional<URI> parse(String origin) {
        try {
            URI uri = new URI(origin);
            return uri.getHost() == null ? Optional.empty() : Optional.of(uri);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }
}
