package io.authtier.runtime.http;

/** The kind of proxy that asks: answers differ in how the client's copies of identity headers are kept from the upstream. */
enum Asker {
    /** nginx, ingress-nginx or Traefik on {@code /auth}: they set or drop every identity header they copy. */
    FORWARD_AUTH,
    /** Envoy on {@code /ext-authz/**}: it overwrites only the headers an answer holds, so the rest are named for removal. */
    ENVOY
}
