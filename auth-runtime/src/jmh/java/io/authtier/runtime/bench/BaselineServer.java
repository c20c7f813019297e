package io.authtier.runtime.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.TimeUnit;

/**
 * The "no validation" baseline in a JVM of its own: Vert.x with one event loop per core whose handler
 * answers 200 without looking at the request, as the runtime's HTTP server is set up. Argument: the port.
 */
public final class BaselineServer {

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int cores = Runtime.getRuntime().availableProcessors();
        // The runtime's transport (epoll where it loads), so that the two differ only in what they do per request.
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(cores).setPreferNativeTransport(true));
        vertx.deployVerticle(() -> new VerticleBase() {
            @Override
            public Future<?> start() {
                return vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("127.0.0.1"))
                        .requestHandler(request -> request.response().end())
                        .listen();
            }
        }, new DeploymentOptions().setInstances(cores)).await(30, TimeUnit.SECONDS);
        System.out.println("baseline listening on " + port + (vertx.isNativeTransportEnabled() ? ", epoll" : ", Java NIO"));
    }

    private BaselineServer() {
    }
}
