package io.authtier.runtime.http;

import io.authtier.runtime.config.Cidr;
import io.vertx.core.http.HttpServerRequest;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who the client is, for logs: the peer's address, unless the peer is a trusted proxy
 * ({@code server.trustedProxies}), in which case {@code X-Forwarded-For} is read from the right, skipping
 * trusted proxies, and the first address not trusted is the client. A header from an untrusted peer is
 * ignored; so is a malformed entry (the walk stops at it and the last trusted hop is the answer).
 */
public final class ClientAddress {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private final List<Cidr> trustedProxies;

    public ClientAddress(List<Cidr> trustedProxies) {
        this.trustedProxies = List.copyOf(trustedProxies);
    }

    /**
     * @param peer          the address the connection comes from
     * @param forwardedFor  the {@code X-Forwarded-For} header, if any (all values joined with commas)
     */
    public InetAddress resolve(InetAddress peer, String forwardedFor) {
        Objects.requireNonNull(peer, "peer");
        if (forwardedFor == null || !trusted(peer)) {
            return peer;
        }
        InetAddress client = peer;
        String[] hops = forwardedFor.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            Optional<InetAddress> hop = literal(hops[i].trim());
            if (hop.isEmpty()) {
                return client;
            }
            client = hop.get();
            if (!trusted(client)) {
                return client;
            }
        }
        return client;
    }

    /** The client of {@code request}: {@link #resolve} on its peer and {@code X-Forwarded-For}; empty without a peer. */
    public Optional<InetAddress> client(HttpServerRequest request) {
        return peer(request).map(peer -> resolve(peer, forwardedFor(request)));
    }

    /**
     * Every {@code X-Forwarded-For} line, in order, joined with commas (RFC 9110: one list, however many lines):
     * a proxy that adds a line of its own (HAProxy's {@code option forwardfor}) puts the client's own line first.
     */
    private static String forwardedFor(HttpServerRequest request) {
        var lines = request.headers().getAll("X-Forwarded-For");
        return lines.isEmpty() ? null : lines.size() == 1 ? lines.getFirst() : String.join(",", lines);
    }

    /** Whether {@code request} comes straight from a trusted proxy, whose {@code X-Forwarded-*} may be believed. */
    public boolean fromTrustedProxy(HttpServerRequest request) {
        return peer(request).map(this::trusted).orElse(false);
    }

    /** The connection's peer: always an IP literal from the socket, so no DNS lookup. */
    private static Optional<InetAddress> peer(HttpServerRequest request) {
        if (request.remoteAddress() == null || request.remoteAddress().hostAddress() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(request.remoteAddress().hostAddress()));
        } catch (java.net.UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code address} is one of {@code server.trustedProxies}. */
    public boolean trusted(InetAddress address) {
        for (Cidr cidr : trustedProxies) {
            if (cidr.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** An IP literal, never a DNS lookup: dotted IPv4, or text with a colon (which Java reads as IPv6 only). */
    private static Optional<InetAddress> literal(String text) {
        if (!IPV4.matcher(text).matches() && !(text.indexOf(':') >= 0 && IPV6.matcher(text).matches())) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(text));
        } catch (java.net.UnknownHostException | SecurityException e) {
            return Optional.empty();
        }
    }
}
