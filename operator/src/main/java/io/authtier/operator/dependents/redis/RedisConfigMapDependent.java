package io.authtier.operator.dependents.redis;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.dependents.Metadata;
import io.authtier.operator.dependents.OwnedDependent;
import io.authtier.operator.reconcile.Labels;
import io.authtier.operator.reconcile.Names;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.Map;

/** redis.conf. No secret in it: the password is in the ACL Secret, which it names. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY_SELECTOR))
public class RedisConfigMapDependent extends OwnedDependent<ConfigMap> {
  public static final String FILE = "redis.conf";
  public static final String CONFIG_DIR = "/etc/redis/conf";
  public static final String ACL_DIR = "/etc/redis/acl";
  public static final String DATA_DIR = "/data";

  public RedisConfigMapDependent() {
    super(ConfigMap.class);
  }

  /** By name, not from desired(): JOSDK looks the object up to delete it when its condition no longer holds. */
  @Override
  protected ResourceID targetSecondaryResourceID(AuthTier tier, Context<AuthTier> context) {
    return new ResourceID(Names.redisConfig(tier), tier.getMetadata().getNamespace());
  }

  @Override
  protected ConfigMap desired(AuthTier tier, Context<AuthTier> context) {
    return Metadata.ownedBy(build(tier), tier);
  }

  public static ConfigMap build(AuthTier tier) {
    return new ConfigMapBuilder()
        .withMetadata(Metadata.redis(tier, Names.redisConfig(tier)))
        .withData(Map.of(FILE, render(tier)))
        .build();
  }

  public static String render(AuthTier tier) {
    var redis = tier.getSpec().redis();
    var persistent = redis.persistence().enabled();
    var conf = new StringBuilder("# Rendered by the AuthTier operator; edit the AuthTier, not this file.\n")
        .append("port ").append(Names.REDIS_PORT).append('\n')
        .append("bind * -::*\n")
        .append("dir ").append(DATA_DIR).append('\n')
        .append("aclfile ").append(ACL_DIR).append('/').append(RedisSecrets.ACL_FILE).append('\n')
        // Persistence is the AOF; RDB snapshots are taken on demand (BGSAVE) for backups.
        .append("save \"\"\n")
        .append("appendonly ").append(persistent ? "yes" : "no").append('\n')
        .append("appendfsync everysec\n")
        // Full, Redis refuses writes (an OOM error: the runtime answers 503) rather than grow until the kernel
        // kills it and it crash-loops reloading the same AOF. 5/8 of the container's limit leaves room for the
        // copy-on-write of an AOF rewrite. Never an eviction policy: every key has a TTL, so volatile-* would
        // drop sessions silently.
        .append("maxmemory ").append(RedisStatefulSetDependent.MEMORY_LIMIT_MIB * 5 / 8).append("mb\n")
        .append("maxmemory-policy noeviction\n");
    if (RedisConditions.cluster(tier)) {
      conf.append("cluster-enabled yes\n")
          .append("cluster-config-file ").append(DATA_DIR).append("/nodes.conf\n")
          .append("cluster-node-timeout 5000\n")
          .append("cluster-preferred-endpoint-type hostname\n")
          // Replicas authenticate to their masters with the password, from the Secret.
          .append("include ").append(ACL_DIR).append('/').append(RedisSecrets.AUTH_FILE).append('\n');
    }
    return conf.toString();
  }
}
