package io.authtier.operator.dependents.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import java.util.Set;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.authtier.operator.api.v1alpha1.AccessTokenPassing;
import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.api.v1alpha1.AuthTierSpec;
import io.authtier.operator.api.v1alpha1.RedisTopology;
import io.authtier.operator.api.v1alpha1.RuntimeSpec;
import io.authtier.operator.secrets.ReferencedSecrets;
import io.authtier.operator.api.v1alpha1.RedisMode;
import io.authtier.operator.api.v1alpha1.SessionStore;
import io.authtier.operator.reconcile.Names;
import io.authtier.operator.spec.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Turns an AuthTier spec into the runtime's configuration file (contract 2,
 * {@code docs/runtime-config.md}). The file uses the spec's own names, so the mapping is a table of
 * sections plus one rule: each Secret reference becomes the path at which the Deployment mounts that
 * Secret key ({@code clientSecretRef} becomes {@code clientSecretFile}, and so on). No secret value is
 * read.
 */
public final class RuntimeConfigRenderer {

  private static final ObjectMapper TREE = JsonMapper.builder()
      .serializationInclusion(JsonInclude.Include.NON_NULL)
      .build();
  private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .stringQuotingChecker(new TextStaysText())
      .build());

  /** Top-level keys of the file, in order, and where each comes from. */
  private static final List<Map.Entry<String, Function<AuthTier, JsonNode>>> SECTIONS = List.of(
      Map.entry("server", tier -> server(tier.getSpec())),
      Map.entry("issuers", tier -> TREE.valueToTree(tier.getSpec().issuers())),
      Map.entry("tokenCache", tier -> tokenCache(tier.getSpec())),
      Map.entry("resilience", tier -> TREE.valueToTree(tier.getSpec().resilience())),
      Map.entry("sessions", RuntimeConfigRenderer::sessions),
      Map.entry("redis", RuntimeConfigRenderer::redis),
      // Left out when empty: a runtime without routes must not refuse /auth for want of an original path.
      Map.entry("routes", tier -> tier.getSpec().routes().isEmpty() ? null : TREE.valueToTree(tier.getSpec().routes())));

  /** Spec keys that name a Secret key, and the runtime keys that name the file it is mounted as. */
  private static final Map<String, String> SECRET_REF_TO_FILE = Map.of(
      "clientSecretRef", "clientSecretFile",
      "passwordSecretRef", "passwordFile",
      "secretRef", "file");

  /** The runtime's default for sessions.localCacheTtl, and the spec's. */
  private static final Duration DEFAULT_LOCAL_CACHE_TTL = Duration.ofMillis(500);

  private RuntimeConfigRenderer() {}

  /**
   * Quotes, beyond Jackson's own list, every string that YAML's implicit typing reads as a number, boolean
   * or null (a group named 0x10, 1_000, 1:20 or .inf would reach the runtime as something else, and it
   * refuses the file). Other strings are left to the emitter, so no working tier's config hash moves.
   */
  private static final class TextStaysText extends StringQuotingChecker.Default {
    private static final Resolver RESOLVER = new Resolver();
    private static final Set<Tag> NOT_TEXT = Set.of(Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL);

    @Override
    public boolean needToQuoteValue(String value) {
      return super.needToQuoteValue(value) || NOT_TEXT.contains(RESOLVER.resolve(NodeId.scalar, value, true));
    }
  }

  public static String render(AuthTier tier) {
    var root = TREE.createObjectNode();
    for (var section : SECTIONS) {
      var node = section.getValue().apply(tier);
      if (node != null && !node.isNull()) {
        root.set(section.getKey(), secretRefsToFiles(node));
      }
    }
    try {
      return "# Rendered by the AuthTier operator; edit the AuthTier, not this file.\n"
          + YAML.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of plain values always serialises", e);
    }
  }

  private static JsonNode server(AuthTierSpec spec) {
    var server = TREE.createObjectNode();
    server.put("port", Names.HTTP_PORT);
    server.put("managementPort", Names.MANAGEMENT_PORT);
    server.set("trustedProxies", TREE.valueToTree(spec.runtime().trustedProxies()));
    // Written only when not the default, as for the sessions settings below: an unchanged tier keeps its config hash.
    if (spec.runtime().maxTokenBytes() != RuntimeSpec.DEFAULT_MAX_TOKEN_BYTES) {
      server.put("maxTokenBytes", spec.runtime().maxTokenBytes());
    }
    return server;
  }

  /**
   * Settings added after the first release are written only when they differ from the runtime's own
   * default, which is the spec's default too: a tier that does not use them keeps its file, and so its
   * config hash, byte for byte, and an operator upgrade does not roll its pods.
   */
  private static JsonNode sessions(AuthTier tier) {
    var spec = tier.getSpec();
    ObjectNode sessions = TREE.valueToTree(spec.sessions());
    if (ReferencedSecrets.cookieKeyGenerated(spec)) {
      var key = TREE.createObjectNode().put("id", ReferencedSecrets.GENERATED_COOKIE_KEY_ID);
      key.set("secretRef", TREE.valueToTree(ReferencedSecrets.generatedCookieKey(tier.getMetadata().getName())));
      ((ObjectNode) sessions.get("cookie")).set("signingKeys", TREE.createArrayNode().add(key));
    }
    // Compared as a duration, so 0s500ms is left out too; text that is not one is written for the runtime to refuse.
    if (Durations.parse(spec.sessions().localCacheTtl()).equals(Optional.of(DEFAULT_LOCAL_CACHE_TTL))) {
      sessions.remove("localCacheTtl");
    }
    if (spec.sessions().passAccessToken() == AccessTokenPassing.None) {
      sessions.remove("passAccessToken");
    }
    if (sessions.get("login") instanceof ObjectNode login && !spec.sessions().login().redirectToLogin()) {
      login.remove("redirectToLogin");
    }
    // Only login makes sessions. Without it and without Redis the runtime is told Memory, which it then never fills.
    if (spec.sessions().login() == null && spec.redis() == null) {
      sessions.put("store", SessionStore.Memory.name());
    }
    return sessions;
  }

  /** L2 lives in Redis: without a redis section it is off, whatever the spec says. */
  private static JsonNode tokenCache(AuthTierSpec spec) {
    ObjectNode cache = TREE.valueToTree(spec.tokenCache());
    ((ObjectNode) cache.get("l2")).put("enabled", spec.tokenCache().l2().enabled() && spec.redis() != null);
    return cache;
  }

  private static JsonNode redis(AuthTier tier) {
    var redis = tier.getSpec().redis();
    if (redis == null) {
      return null;
    }
    var node = TREE.createObjectNode();
    if (redis.mode() == RedisMode.External) {
      var external = redis.external();
      if (external == null) {
        return null;
      }
      node.put("topology", external.topology().name());
      node.set("endpoints", TREE.valueToTree(external.endpoints()));
      if (external.passwordSecretRef() != null) {
        node.set("passwordSecretRef", TREE.valueToTree(external.passwordSecretRef()));
      }
      node.put("tls", external.tls());
      return node;
    }
    // Operator-run: the Service (Standalone) or every node's stable name (Cluster), and the password file of
    // the referenced Secret or of the one the operator generates.
    node.put("topology", redis.mode() == RedisMode.Cluster ? RedisTopology.Cluster.name() : RedisTopology.Standalone.name());
    node.set("endpoints", TREE.valueToTree(RedisEndpoints.of(tier)));
    var password = ReferencedSecrets.redisPassword(tier.getSpec(), tier.getMetadata().getName()).orElseThrow();
    node.set("passwordSecretRef", TREE.valueToTree(password));
    node.put("tls", false);
    return node;
  }

  private static JsonNode secretRefsToFiles(JsonNode node) {
    if (node instanceof ArrayNode array) {
      var copy = TREE.createArrayNode();
      array.forEach(item -> copy.add(secretRefsToFiles(item)));
      return copy;
    }
    if (!(node instanceof ObjectNode object)) {
      return node;
    }
    var copy = TREE.createObjectNode();
    for (var field : object.properties()) {
      var fileKey = SECRET_REF_TO_FILE.get(field.getKey());
      if (fileKey != null) {
        var ref = field.getValue();
        copy.put(fileKey, Names.secretFile(ref.path("name").asText(), ref.path("key").asText()));
      } else {
        copy.set(field.getKey(), secretRefsToFiles(field.getValue()));
      }
    }
    return copy;
  }
}
