package io.authtier.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** Caches of validation results: L1 in each runtime's memory, L2 shared in Redis. */
public record TokenCacheSpec(
    @Default("{}")
    @JsonPropertyDescription("In-memory cache in each runtime replica.")
    L1 l1,

    @Default("{}")
    @JsonPropertyDescription("Shared cache in Redis, for introspection results. Needs spec.redis; off without it.")
    L2 l2,

    @Default("5s")
    @Pattern(Patterns.DURATION)
    @JsonPropertyDescription("How long a negative answer (inactive or revoked token) is cached.")
    String negativeTtl) {

  public TokenCacheSpec {
    l1 = l1 == null ? new L1(null, null) : l1;
    l2 = l2 == null ? new L2(null, null) : l2;
    negativeTtl = negativeTtl == null ? "5s" : negativeTtl;
  }

  /** The per-replica cache. */
  /** Most entries of the per-replica cache (a few hundred bytes each). */
  public static final int MAX_L1_ENTRIES = 100_000_000;

  public record L1(
      @Default("100000")
      @Min(1)
      @Max(TokenCacheSpec.MAX_L1_ENTRIES)
      @JsonPropertyDescription("Most entries kept per replica.")
      Integer maxEntries,

      @Default("5m")
      @Pattern(Patterns.DURATION)
      @JsonPropertyDescription("Longest time an entry is kept; never beyond the token's own expiry.")
      String ttl) {

    public L1 {
      maxEntries = maxEntries == null ? 100_000 : maxEntries;
      ttl = ttl == null ? "5m" : ttl;
    }
  }

  /** The shared cache. */
  public record L2(
      @Default("true")
      @JsonPropertyDescription("Whether introspection results are shared through Redis.")
      Boolean enabled,

      @Default("5m")
      @Pattern(Patterns.DURATION)
      @JsonPropertyDescription("Longest time an entry is kept; never beyond the token's own expiry.")
      String ttl) {

    public L2 {
      enabled = enabled == null ? Boolean.TRUE : enabled;
      ttl = ttl == null ? "5m" : ttl;
    }
  }
}
