package io.authtier.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Cidr")
class CidrTest {

    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource({
            "10.0.0.0/8, 10.255.1.2, true",
            "10.0.0.0/8, 11.0.0.1, false",
            "192.168.1.0/24, 192.168.1.77, true",
            "192.168.1.0/24, 192.168.2.1, false",
            "0.0.0.0/0, 8.8.8.8, true",
            "::1/128, ::1, true",
            "::1/128, ::2, false",
            "fd00::/8, fd12:3456::1, true",
            "10.0.0.0/8, ::ffff:a00:1, true",
            "fd00::/8, 10.0.0.1, false",
    })
    @DisplayName("Membership (an IPv4-mapped IPv6 peer counts as its IPv4 address, as the JDK reports it)")
    void contains(String cidr, String address, boolean expected) throws Exception {
        // Given a network, when an address is tested, then it is inside only if its prefix matches
        assertThat(Cidr.parse(cidr).contains(InetAddress.getByName(address))).isEqualTo(expected);
    }

    @Test
    @DisplayName("A network prints as it is written")
    void printsAsWritten() {
        assertThat(Cidr.parse("172.16.0.0/12")).hasToString("172.16.0.0/12");
    }

    @Test
    @DisplayName("A shortened IPv4 address is refused, not read as the legacy form")
    void shortIpv4() {
        // Given 10.1/16 (which the JDK's legacy parser reads as 10.0.0.1), when parsed, then refused
        assertThatThrownBy(() -> Cidr.parse("10.1/16")).hasMessage("'10.1' is not an IP address");
    }

    @Test
    @DisplayName("An IPv6 zone id is refused")
    void zoneId() {
        assertThatThrownBy(() -> Cidr.parse("fe80::1%eth0/64")).hasMessageContaining("is not an IP address");
    }
}
