package io.authtier.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** A Redis that you run. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.topology != 'Standalone' || size(self.endpoints) == 1",
    message = "redis.external.topology Standalone takes exactly one endpoint; list cluster nodes with topology Cluster")
public record ExternalRedisSpec(
    @Required
    @Size(min = 1, max = 32)
    @JsonPropertyDescription("host:port of the Redis, or of some nodes of the cluster (IPv6 as [::1]:6379).")
    List<String> endpoints,

    @Default("Standalone")
    @JsonPropertyDescription("Standalone: one Redis (or a proxy). Cluster: a Redis Cluster, discovered from the endpoints.")
    RedisTopology topology,

    @JsonPropertyDescription("Secret key holding the Redis password; leave out when Redis needs none.")
    SecretKeyRef passwordSecretRef,

    @Default("false")
    @JsonPropertyDescription("Whether to connect with TLS.")
    Boolean tls) {

  public ExternalRedisSpec {
    endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
    topology = topology == null ? RedisTopology.Standalone : topology;
    tls = tls == null ? Boolean.FALSE : tls;
  }
}
