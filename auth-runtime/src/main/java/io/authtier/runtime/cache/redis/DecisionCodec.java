package io.authtier.runtime.cache.redis;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.authtier.runtime.cache.CachedDecision;
import io.authtier.runtime.introspection.IntrospectedToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link CachedDecision} as the JSON value of an L2 entry:
 * {@code {"v":1,"until":<epoch ms>,"active":true,"issuerName":…,"issuer":…,"claims":{…}}}. The claims are
 * the introspection response minus sensitive members; the raw token is never part of it.
 */
final class DecisionCodec {

    private static final int VERSION = 1;
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final ObjectMapper json = new ObjectMapper();

    byte[] encode(CachedDecision decision) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("v", VERSION);
        value.put("until", decision.until().toEpochMilli());
        switch (decision) {
            case CachedDecision.Active(IntrospectedToken token, Instant until) -> {
                value.put("active", true);
                value.put("issuerName", token.issuerName());
                value.put("issuer", token.issuer());
                value.put("claims", token.claims());
            }
            case CachedDecision.Inactive(Instant until) -> value.put("active", false);
        }
        try {
            return json.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The decision in {@code bytes}; empty for anything unreadable or of another version (a miss). */
    Optional<CachedDecision> decode(byte[] bytes) {
        try {
            Map<String, Object> value = json.readValue(bytes, MAP);
            if (!(value.get("v") instanceof Number v) || v.intValue() != VERSION
                    || !(value.get("until") instanceof Number until)) {
                return Optional.empty();
            }
            Instant validUntil = Instant.ofEpochMilli(until.longValue());
            if (Boolean.FALSE.equals(value.get("active"))) {
                return Optional.of(new CachedDecision.Inactive(validUntil));
            }
            if (Boolean.TRUE.equals(value.get("active"))
                    && value.get("issuerName") instanceof String issuerName
                    && value.get("issuer") instanceof String issuer
                    && value.get("claims") instanceof Map<?, ?> claims) {
                @SuppressWarnings("unchecked")
                Map<String, ?> members = (Map<String, ?>) claims;
                return Optional.of(new CachedDecision.Active(
                        IntrospectedToken.fromClaims(issuerName, issuer, members, null), validUntil));
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
