package io.authtier.runtime.bench;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;
import kotlin.jvm.functions.Function1;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.OAuth2HttpServer;
import no.nav.security.mock.oauth2.http.Ssl;
import okhttp3.HttpUrl;

/**
 * mock-oauth2-server's HTTP server with a stopwatch around its request handler: {@link #nanos()} is the
 * time the IdP spent answering (handler only; its socket I/O is not included, so it is a lower bound of
 * the IdP's share), {@link #requests()} how many requests it answered.
 */
final class TimedIdpServer implements OAuth2HttpServer {

    private final OAuth2HttpServer delegate;
    private final AtomicLong nanos = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();

    TimedIdpServer(OAuth2HttpServer delegate) {
        this.delegate = delegate;
    }

    long nanos() {
        return nanos.get();
    }

    long requests() {
        return requests.get();
    }

    private Function1<? super OAuth2HttpRequest, OAuth2HttpResponse> timed(Function1<? super OAuth2HttpRequest, OAuth2HttpResponse> handler) {
        return request -> {
            long start = System.nanoTime();
            try {
                return handler.invoke(request);
            } finally {
                nanos.addAndGet(System.nanoTime() - start);
                requests.incrementAndGet();
            }
        };
    }

    @Override
    public OAuth2HttpServer start(Function1<? super OAuth2HttpRequest, OAuth2HttpResponse> handler) {
        return start(InetAddress.getLoopbackAddress(), 0, handler);
    }

    @Override
    public OAuth2HttpServer start(int port, Function1<? super OAuth2HttpRequest, OAuth2HttpResponse> handler) {
        return start(InetAddress.getLoopbackAddress(), port, handler);
    }

    @Override
    public OAuth2HttpServer start(InetAddress address, int port, Function1<? super OAuth2HttpRequest, OAuth2HttpResponse> handler) {
        delegate.start(address, port, timed(handler));
        return this;
    }

    @Override
    public OAuth2HttpServer stop() {
        delegate.stop();
        return this;
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public int port() {
        return delegate.port();
    }

    @Override
    public HttpUrl url(String path) {
        return delegate.url(path);
    }

    @Override
    public Ssl sslConfig() {
        return delegate.sslConfig();
    }
}
