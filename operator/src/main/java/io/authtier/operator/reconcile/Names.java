package io.authtier.operator.reconcile;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.api.v1alpha1.RedisMode;
import io.authtier.operator.api.v1alpha1.RedisSpec;
import io.authtier.operator.secrets.ReferencedSecrets;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.function.Function;

/** Names of the objects that the operator makes for an AuthTier, in one place. */
public final class Names {
  /** Service names, host names and label values are DNS labels of at most 63 characters. */
  public static final int MAX_DNS_LABEL = 63;
  /**
   * A StatefulSet's pods carry the label controller-revision-hash = its name, '-' and a hash of up to 10
   * characters, so a StatefulSet name must leave 11 of the 63.
   */
  static final int REVISION_HASH_SUFFIX = 11;
  /** The highest Redis pod ordinal the schema allows: 64 masters with 5 replicas each are 384 pods. */
  static final int MAX_REDIS_ORDINAL = 64 * (1 + 5) - 1;
  public static final String CONFIG_FILE = "runtime.yaml";
  public static final String CONFIG_DIR = "/etc/authtier/config";
  public static final String SECRETS_DIR = "/etc/authtier/secrets";
  public static final String HTTP_PORT_NAME = "http";
  public static final String MANAGEMENT_PORT_NAME = "management";
  public static final int HTTP_PORT = 8080;
  public static final int MANAGEMENT_PORT = 9090;
  public static final String CONTAINER = "auth-runtime";
  public static final String OPERATOR = "authtier-operator";

  private Names() {}

  /**
   * Longest AuthTier name for a Redis setup (null: none): every name below that must be a DNS label still
   * fits once the tier's name is put in. Computed from the name functions themselves, so a new suffix
   * moves the limit with it. Without an operator-run Redis only the runtime's Services count (55).
   */
  public static int maxTierName(RedisSpec redis) {
    List<Function<AuthTier, String>> labels = redis == null || redis.mode() == RedisMode.External
        ? List.of(Names::runtime, Names::metrics)
        : List.of(Names::runtime, Names::metrics, Names::redis, Names::redisHeadless,
            t -> redisPod(t, MAX_REDIS_ORDINAL), t -> redis(t) + "-" + "h".repeat(REVISION_HASH_SUFFIX - 1));
    var probe = new AuthTier();
    probe.setMetadata(new ObjectMetaBuilder().withName("").withNamespace("").build());
    return labels.stream().mapToInt(name -> MAX_DNS_LABEL - name.apply(probe).length()).min().orElseThrow();
  }

  /** Deployment, Service, ServiceAccount, PodDisruptionBudget and HPA of the runtime. */
  public static String runtime(AuthTier tier) {
    return tier.getMetadata().getName();
  }

  /**
   * The Service of the runtime's management port ({@code /metrics}, {@code /healthz}, {@code /readyz}), which
   * Prometheus scrapes: kept out of the Service that ingresses ask.
   */
  public static String metrics(AuthTier tier) {
    return runtime(tier) + "-metrics";
  }

  public static String configMap(AuthTier tier) {
    return runtime(tier) + "-config";
  }

  public static String configPath() {
    return CONFIG_DIR + "/" + CONFIG_FILE;
  }

  /** Where the runtime finds a key of a referenced Secret. */
  public static String secretFile(String secretName, String key) {
    return SECRETS_DIR + "/" + secretName + "/" + key;
  }

  public static String endpoint(AuthTier tier) {
    return "http://" + runtime(tier) + "." + tier.getMetadata().getNamespace() + ".svc:" + HTTP_PORT;
  }

  public static final int REDIS_PORT = 6379;
  public static final String REDIS_CONTAINER = "redis";
  public static final String REDIS_PASSWORD_KEY = "password";

  /** StatefulSet and client Service of an operator-run Redis. */
  public static String redis(AuthTier tier) {
    return runtime(tier) + "-redis";
  }

  /** Headless Service that gives each Cluster node a stable DNS name. */
  public static String redisHeadless(AuthTier tier) {
    return redis(tier) + "-headless";
  }

  public static String redisConfig(AuthTier tier) {
    return redis(tier) + "-config";
  }

  /** The Secret that the operator generates when sessions.login names no sessions.cookie.signingKeys. */
  public static String cookieKey(AuthTier tier) {
    return ReferencedSecrets.generatedCookieKey(tier.getMetadata().getName()).name();
  }

  /** The Secret that the operator generates when spec.redis.passwordSecretRef is left out. */
  public static String redisPassword(AuthTier tier) {
    return redis(tier) + "-password";
  }

  /** The Secret with Redis's ACL file (and, for Cluster, masterauth), derived from the password. */
  public static String redisAcl(AuthTier tier) {
    return redis(tier) + "-acl";
  }

  /** host:port of the client Service. */
  public static String redisServiceEndpoint(AuthTier tier) {
    return redis(tier) + "." + tier.getMetadata().getNamespace() + ".svc:" + REDIS_PORT;
  }

  /** Pod {@code ordinal} of the Redis StatefulSet. */
  public static String redisPod(AuthTier tier, int ordinal) {
    return redis(tier) + "-" + ordinal;
  }

  /** host:port of Cluster node {@code ordinal}: its stable name under the headless Service. */
  public static String redisNode(AuthTier tier, int ordinal) {
    return redisPod(tier, ordinal) + "." + redisHeadless(tier) + "." + tier.getMetadata().getNamespace()
        + ".svc:" + REDIS_PORT;
  }
}
