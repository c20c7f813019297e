package io.authtier.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.runtime.token.Principal;
import io.vertx.core.MultiMap;
import io.vertx.core.http.impl.headers.HeadersMultiMap;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Identity headers: what a principal puts on the answer, rendered once for principals that come back")
class IdentityHeadersTest {

    static Principal principal(String subject, Principal.Method method, List<String> groups) {
        return new Principal("https://idp.example/realms/shop", subject, Optional.of(subject + "@example.com"), Optional.of(subject),
                groups, List.of(), List.of(), Instant.parse("2030-01-01T00:00:00Z"), method);
    }

    static MultiMap written(RenderedIdentities identities, Principal principal) {
        MultiMap headers = HeadersMultiMap.httpHeaders();
        identities.write(principal, headers);
        return headers;
    }

    @Test
    @DisplayName("Every header, values that are not printable ASCII left out, groups with a comma left out of the list")
    void headers() {
        MultiMap headers = HeadersMultiMap.httpHeaders();
        IdentityHeaders.write(new Principal("https://idp.example", "ada", Optional.of("ädä@example.com"), Optional.of("ada"),
                List.of("staff", "a,b", "ops"), List.of(), List.of(), Instant.parse("2030-01-01T00:00:00Z"), Principal.Method.JWT), headers);

        assertThat(headers.get(IdentityHeaders.USER)).isEqualTo("ada");
        assertThat(headers.get(IdentityHeaders.SUBJECT)).isEqualTo("ada");
        assertThat(headers.get(IdentityHeaders.ISSUER)).isEqualTo("https://idp.example");
        assertThat(headers.get(IdentityHeaders.PREFERRED_USERNAME)).isEqualTo("ada");
        assertThat(headers.get(IdentityHeaders.GROUPS)).isEqualTo("staff,ops");
        assertThat(headers.contains(IdentityHeaders.EMAIL)).isFalse();
    }

    @Test
    @DisplayName("Values with a space at either end are left out (header parsers would trim them into another name); inner spaces stay")
    void spacesAtTheEnds() {
        MultiMap headers = HeadersMultiMap.httpHeaders();
        IdentityHeaders.write(new Principal("https://idp.example", "ada", Optional.of(" ada@example.com"), Optional.of("Ada Lovelace"),
                List.of("admins ", " staff", "site reliability"), List.of(), List.of(), Instant.parse("2030-01-01T00:00:00Z"),
                Principal.Method.JWT), headers);

        assertThat(headers.contains(IdentityHeaders.EMAIL)).isFalse();
        assertThat(headers.get(IdentityHeaders.PREFERRED_USERNAME)).isEqualTo("Ada Lovelace");
        assertThat(headers.get(IdentityHeaders.GROUPS)).isEqualTo("site reliability");
    }

    @Test
    @DisplayName("Principals that share a slot each get their own headers, again and again")
    void collisions() {
        RenderedIdentities oneSlot = new RenderedIdentities(1);
        Principal ada = principal("ada", Principal.Method.JWT, List.of("staff"));
        Principal bob = principal("bob", Principal.Method.JWT, List.of("ops"));

        for (int i = 0; i < 3; i++) {
            MultiMap forAda = written(oneSlot, ada);
            MultiMap forBob = written(oneSlot, bob);
            assertThat(forAda.get(IdentityHeaders.USER)).isEqualTo("ada");
            assertThat(forAda.get(IdentityHeaders.GROUPS)).isEqualTo("staff");
            assertThat(forAda.getAll(IdentityHeaders.USER)).hasSize(1);
            assertThat(forBob.get(IdentityHeaders.USER)).isEqualTo("bob");
            assertThat(forBob.get(IdentityHeaders.EMAIL)).isEqualTo("bob@example.com");
        }
    }

    @Test
    @DisplayName("An equal but different principal (a session, an introspected token) is written from its own values")
    void principalsMadePerRequest() {
        RenderedIdentities identities = new RenderedIdentities(1024);
        assertThat(written(identities, principal("carol", Principal.Method.SESSION, List.of("a"))).get(IdentityHeaders.GROUPS)).isEqualTo("a");
        assertThat(written(identities, principal("carol", Principal.Method.SESSION, List.of("b"))).get(IdentityHeaders.GROUPS)).isEqualTo("b");
        assertThat(written(identities, principal("dan", Principal.Method.INTROSPECTION, List.of())).get(IdentityHeaders.USER)).isEqualTo("dan");
    }

    @Test
    @DisplayName("For Envoy, every identity header an answer does not set is named for removal, from the cache and per request alike")
    void unsetHeadersForEnvoy() {
        UnsetIdentityHeaders unset = new UnsetIdentityHeaders();
        RenderedIdentities identities = new RenderedIdentities(16);
        // Given a principal with no email and no groups, and a preferred username that is not printable ASCII
        Principal sparse = new Principal("https://idp.example", "ada", Optional.empty(), Optional.of("ädä"), List.of(), List.of(), List.of(),
                Instant.parse("2030-01-01T00:00:00Z"), Principal.Method.JWT);

        // When its answer is written twice (the second from the rendered cache), and once for a full session with its access token
        for (int i = 0; i < 2; i++) {
            MultiMap headers = HeadersMultiMap.httpHeaders();
            unset.addTo(headers, identities.write(sparse, headers));

            // Then the headers it lacks are listed, and none that it sets
            assertThat(headers.getAll(UnsetIdentityHeaders.HEADER)).containsExactly(
                    "x-auth-request-email,x-auth-request-preferred-username,x-auth-request-groups,x-auth-request-access-token");
        }
        MultiMap full = HeadersMultiMap.httpHeaders();
        int present = identities.write(principal("bob", Principal.Method.SESSION, List.of("staff")), full) | IdentityHeaders.ACCESS_TOKEN_BIT;
        unset.addTo(full, present);
        assertThat(full.contains(UnsetIdentityHeaders.HEADER)).isFalse();
        MultiMap bearer = HeadersMultiMap.httpHeaders();
        unset.addTo(bearer, identities.write(principal("bob", Principal.Method.JWT, List.of("staff")), bearer));
        assertThat(bearer.getAll(UnsetIdentityHeaders.HEADER)).containsExactly("x-auth-request-access-token");
    }
}
