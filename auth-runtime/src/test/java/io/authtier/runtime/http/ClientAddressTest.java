package io.authtier.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.runtime.config.Cidr;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ClientAddress")
class ClientAddressTest {

    private final ClientAddress resolver = new ClientAddress(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("::1/128")));

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    @DisplayName("X-Forwarded-For from an untrusted peer is ignored")
    void untrustedPeer() throws Exception {
        assertThat(resolver.resolve(ip("203.0.113.9"), "1.2.3.4")).isEqualTo(ip("203.0.113.9"));
    }

    @Test
    @DisplayName("From a trusted proxy, the rightmost address that is not a trusted proxy is the client")
    void trustedChain() throws Exception {
        // Given a client that forged a first hop, then two of our proxies
        String header = "6.6.6.6, 198.51.100.7, 10.1.2.3";

        // Then the forged hop is not believed
        assertThat(resolver.resolve(ip("10.9.9.9"), header)).isEqualTo(ip("198.51.100.7"));
    }

    @Test
    @DisplayName("IPv6 peers and hops are handled, and without a header the peer is the client")
    void ipv6() throws Exception {
        assertThat(resolver.resolve(ip("::1"), "2001:db8::1")).isEqualTo(ip("2001:db8::1"));
        assertThat(resolver.resolve(ip("::1"), null)).isEqualTo(ip("::1"));
    }

    @Test
    @DisplayName("A malformed or host-name hop stops the walk at the last trusted address, without a DNS lookup")
    void malformed() throws Exception {
        assertThat(resolver.resolve(ip("10.0.0.1"), "1.2.3.4, evil.example.com")).isEqualTo(ip("10.0.0.1"));
        assertThat(resolver.resolve(ip("10.0.0.1"), "1.2.3.4, , 10.0.0.2")).isEqualTo(ip("10.0.0.2"));
    }

    @Test
    @DisplayName("When every hop is trusted, the leftmost one is the client")
    void allTrusted() throws Exception {
        assertThat(resolver.resolve(ip("10.0.0.1"), "10.0.0.3, 10.0.0.2")).isEqualTo(ip("10.0.0.3"));
    }
}
