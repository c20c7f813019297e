package io.authtier.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/** The Redis that holds sessions and the shared token cache. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.mode != 'External' || has(self.external)",
    message = "redis.mode External needs redis.external with the endpoints of your Redis")
// A StatefulSet's volume claim templates are immutable; External has no volumes of the operator's.
@ValidationRule(value = "self.mode == 'External' || !has(oldSelf.persistence) || self.persistence == oldSelf.persistence",
    message = "spec.redis.persistence cannot change after creation (the Redis volumes are made once); set it back, or create a new AuthTier and migrate the data")
public record RedisSpec(
    @Default("Standalone")
    @JsonPropertyDescription("Standalone and Cluster: the operator runs Redis. External: you run it and name it in redis.external. Cannot be changed after creation.")
    RedisMode mode,

    @Default("{}")
    @JsonPropertyDescription("Shape of the cluster, for mode Cluster.")
    RedisClusterSpec cluster,

    @Default("{}")
    @JsonPropertyDescription("Persistent volumes, for modes Standalone and Cluster. Cannot be changed after creation.")
    PersistenceSpec persistence,

    @JsonPropertyDescription("Your own Redis, for mode External.")
    ExternalRedisSpec external,

    @JsonPropertyDescription("Secret key holding the Redis password, for modes Standalone and Cluster. Left out: the operator generates one into the Secret <name>-redis-password (key password) once and never rewrites it.")
    SecretKeyRef passwordSecretRef,

    @Default(RedisSpec.DEFAULT_IMAGE)
    @Pattern(Patterns.IMAGE)
    @JsonPropertyDescription("Container image of Redis (7.0 or later), for modes Standalone and Cluster, without spaces. It must run as uid 999, as the official image does.")
    String image) {

  public static final String DEFAULT_IMAGE = "redis:7.4-alpine";

  public RedisSpec {
    mode = mode == null ? RedisMode.Standalone : mode;
    cluster = cluster == null ? new RedisClusterSpec(null, null) : cluster;
    persistence = persistence == null ? new PersistenceSpec(null, null, null) : persistence;
    image = image == null ? DEFAULT_IMAGE : image;
  }
}
