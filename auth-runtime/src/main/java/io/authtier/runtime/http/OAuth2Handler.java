package io.authtier.runtime.http;

import io.authtier.runtime.config.LoginConfig;
import io.authtier.runtime.login.BrowserSessions;
import io.authtier.runtime.login.Cookies;
import io.authtier.runtime.login.WebAnswer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The browser routes under {@code /oauth2/}: {@code start}, {@code callback}, {@code sign_out},
 * {@code backchannel-logout} (POST, form) and {@code userinfo}. Maps Vert.x requests to
 * {@link BrowserSessions} and its {@link WebAnswer}s back; every answer is {@code Cache-Control: no-store}
 * and {@code Referrer-Policy: no-referrer} (the callback URL holds a code), but for the sign-out page.
 */
final class OAuth2Handler {

    static final String PREFIX = "/oauth2/";
    static final String CALLBACK = "/oauth2/callback";
    /**
     * Largest back-channel logout body read: a logout token is a kilobyte or two. Anyone may post here, and
     * without it a connection held Vert.x's form limits' worth (256 fields of 8 KiB) until its body ended.
     */
    static final int MAX_BACKCHANNEL_BODY = 64 * 1024;

    private final BrowserSessions sessions;
    private final ExternalOrigin origin;
    private final SignOutOrigin signOutOrigin;
    private final ClientAddress proxies;
    private final LoginRateLimit rateLimit;
    /**
     * The challenge of a 401 (RFC 9110 15.5.2 requires one). These routes take the session cookie, not a
     * bearer token, so it names the cookie scheme of draft-broyer-http-cookie-auth and where to log in.
     */
    private final String challenge;

    OAuth2Handler(BrowserSessions sessions, ClientAddress proxies, Clock clock) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.challenge = "Cookie realm=\"authtier\", form-action=\"" + startUrl(sessions.login()) + "\"";
        this.origin = new ExternalOrigin(proxies);
        this.signOutOrigin = new SignOutOrigin(origin);
        this.proxies = Objects.requireNonNull(proxies, "proxies");
        this.rateLimit = new LoginRateLimit(clock);
    }

    /** Where a browser starts a login: beside the configured callback, else on the host it asked. */
    static String startUrl(LoginConfig login) {
        return login.redirectUrl().map(callback -> callback.resolve("start").toString()).orElse(PREFIX + "start");
    }

    /** The metrics label of {@code path}, or null if no route serves it. */
    static String endpoint(String path) {
        return switch (path) {
            case "/oauth2/start" -> "oauth2_start";
            case CALLBACK -> "oauth2_callback";
            case "/oauth2/sign_out" -> "oauth2_sign_out";
            case "/oauth2/backchannel-logout" -> "oauth2_backchannel_logout";
            case "/oauth2/userinfo" -> "oauth2_userinfo";
            default -> null;
        };
    }

    Future<Void> handle(HttpServerRequest request) {
        List<String> cookies = request.headers().getAll(HttpHeaders.COOKIE);
        Optional<String> binding = Cookies.value(cookies, sessions.bindingCookieName());
        return switch (request.path()) {
            case "/oauth2/start" -> rateLimit.tryStart(client(request))
                    ? answer(request, sessions.start(returnTarget(request), prompt(request), binding, origin.of(request)))
                    : write(request, WebAnswerBodies.tooManyLogins());
            case CALLBACK -> answer(request, sessions.callback(firstValues(request), binding, cookies));
            case "/oauth2/sign_out" -> switch (signOutOrigin.of(request)) {
                case THIS_SITE -> answer(request, sessions.signOut(cookies, returnTarget(request), origin.of(request)));
                case OTHER_SITE -> write(request, WebAnswerBodies.crossSiteSignOut());
                case UNKNOWN -> signOutPage(request);
            };
            case "/oauth2/userinfo" -> answer(request, sessions.userinfo(cookies));
            case "/oauth2/backchannel-logout" -> backchannel(request);
            default -> request.response().setStatusCode(404).end();
        };
    }

    /**
     * The {@code rd} parameter. When the query starts with {@code rd=/}, all of the rest is the target as it
     * was sent, so an unencoded one keeps its own query and escapes byte for byte ({@code return 302
     * /oauth2/start?rd=$request_uri;} in nginx: {@code /search?q=a%26b} must not become {@code /search?q=a&b}).
     * Otherwise the query is read as usual and an encoded target ({@code rd=%2Fcart}, ingress-nginx's
     * {@code $escaped_request_uri}, or an absolute URL) is decoded once ({@code +} stays a plus).
     */
    static Optional<String> returnTarget(HttpServerRequest request) {
        String raw = request.query();
        if (raw != null && raw.startsWith("rd=/")) {
            return Optional.of(asSent(raw.substring(3)));
        }
        if (raw != null && raw.startsWith("rd=")) {
            try {
                return Optional.of(URLDecoder.decode(raw.substring(3).replace("+", "%2B"), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                return Optional.of(""); // a malformed %-escape: refused as a target
            }
        }
        return Optional.ofNullable(request.getParam("rd"));
    }

    /**
     * The {@code prompt} values, every one sent (a second one is refused, not overlooked). None when the query
     * starts with {@code rd=}: all of it is then the target ({@link #returnTarget}), and a {@code prompt} in the
     * target's own query ({@code rd=/search?q=a&prompt=x}) belongs to the app, not to this login.
     */
    static List<String> prompt(HttpServerRequest request) {
        String raw = request.query();
        return raw == null || raw.startsWith("rd=") ? List.of() : request.params().getAll("prompt");
    }

    /**
     * {@code value} with any byte beyond ASCII read as UTF-8: the request line reaches us one byte per
     * character, and the return target is %-encoded as UTF-8 later, which would otherwise encode each
     * byte twice ({@code /café} sent raw coming back as {@code /caf%C3%83%C2%A9}).
     */
    private static String asSent(String value) {
        return value.chars().allMatch(c -> c < 0x80) ? value
                : new String(value.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    /** The client's address as the rate limit keys it: the peer, or X-Forwarded-For from a trusted proxy. */
    private String client(HttpServerRequest request) {
        return proxies.client(request).map(InetAddress::getHostAddress).orElse("unknown");
    }

    private Future<Void> backchannel(HttpServerRequest request) {
        if (request.method() != HttpMethod.POST) {
            request.response().putHeader(HttpHeaders.ALLOW, "POST");
            return write(request, WebAnswer.text(405, "the back-channel logout takes a POST of a form with logout_token"));
        }
        // Only a form carries a logout token (OIDC Back-Channel Logout 1.0, 2.5); anything else is a bad
        // request, answered before Vert.x's form decoder would throw on it.
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            return write(request, WebAnswerBodies.badForm());
        }
        if (declaredLength(request) > MAX_BACKCHANNEL_BODY) {
            return tooLarge(request);
        }
        request.setExpectMultipart(true);
        // A chunked body says nothing of its size ahead: counted as it arrives, refused once past the cap.
        long[] received = {0};
        request.handler(chunk -> {
            received[0] += chunk.length();
            if (received[0] > MAX_BACKCHANNEL_BODY && !request.response().ended()) {
                tooLarge(request);
            }
        });
        Context context = Vertx.currentContext();
        return request.end().compose(ended -> Future.fromCompletionStage(
                        sessions.backchannelLogout(Optional.ofNullable(request.getFormAttribute("logout_token"))), context))
                .recover(failure -> Future.succeededFuture(WebAnswerBodies.badForm()))
                .compose(answer -> write(request, answer));
    }

    /** The request's {@code Content-Length}, or -1 without one (chunked); the HTTP decoder has refused a malformed one. */
    private static long declaredLength(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        try {
            return length == null ? -1 : Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * 413, and the connection closed once it is written: the rest of the body is not read (the client may still
     * be sending it), and nothing behind it on that connection could be told from it.
     */
    private Future<Void> tooLarge(HttpServerRequest request) {
        request.response().putHeader(HttpHeaders.CONNECTION, "close");
        return write(request, WebAnswer.text(413, "a back-channel logout is a form of at most " + MAX_BACKCHANNEL_BODY / 1024
                        + " KiB holding logout_token"))
                .andThen(written -> request.connection().close());
    }

    private Future<Void> answer(HttpServerRequest request, CompletionStage<WebAnswer> stage) {
        return Future.fromCompletionStage(stage, Vertx.currentContext())
                .recover(failure -> Future.succeededFuture(WebAnswerBodies.unavailable()))
                .compose(answer -> write(request, answer));
    }

    /**
     * The page for a sign-out that nothing says the origin of: its button posts the sign-out from this
     * origin. {@code same-origin} rather than {@code no-referrer}, or a browser would send that POST with
     * {@code Origin: null}.
     */
    private Future<Void> signOutPage(HttpServerRequest request) {
        return write(request, WebAnswerBodies.signOutPage(), "same-origin");
    }

    private Future<Void> write(HttpServerRequest request, WebAnswer answer) {
        return write(request, answer, "no-referrer");
    }

    private Future<Void> write(HttpServerRequest request, WebAnswer answer, String referrerPolicy) {
        HttpServerResponse response = request.response();
        if (response.closed() || response.ended()) {
            return Future.succeededFuture();
        }
        response.setStatusCode(answer.status())
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .putHeader("Referrer-Policy", referrerPolicy);
        if (answer.status() == 401) {
            response.putHeader(ForwardAuthHandler.WWW_AUTHENTICATE, challenge);
        }
        if (answer.status() == 503) {
            // The store or the IdP is out of reach for now, as for /auth: a client may come back in a second.
            response.putHeader(HttpHeaders.RETRY_AFTER, "1");
        }
        answer.location().ifPresent(location -> response.putHeader(HttpHeaders.LOCATION, location));
        if (!answer.setCookies().isEmpty()) {
            response.headers().add("Set-Cookie", answer.setCookies());
        }
        if (!answer.body().isEmpty()) {
            response.putHeader(HttpHeaders.CONTENT_TYPE, answer.contentType());
        }
        if (answer.isHtml()) {
            // A page is framed by no one (a hidden button or link clicked would sign out or log in) and runs nothing.
            response.putHeader("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
                    .putHeader("X-Frame-Options", "DENY");
        }
        return response.end(answer.body());
    }

    private static Map<String, String> firstValues(HttpServerRequest request) {
        Map<String, String> query = new HashMap<>();
        for (String name : List.of("code", "state", "error", "iss")) {
            String value = request.getParam(name);
            if (value != null) {
                query.put(name, value);
            }
        }
        return query;
    }
}
