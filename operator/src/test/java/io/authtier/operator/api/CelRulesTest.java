package io.authtier.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.api.v1alpha1.AuthTierSpec;
import io.authtier.operator.spec.SpecValidator;
import io.authtier.operator.support.CrdFile;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Evaluates the CEL rules of the committed CRD, as the API server would (defaults applied first),
 * and holds the operator's own SpecValidator to the same verdicts. The mock API server has no CEL,
 * so this is where the rules' logic is tested.
 */
class CelRulesTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
      .addVar("self", SimpleType.DYN)
      .addVar("oldSelf", SimpleType.DYN)
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
      .build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();
  private static final String ISSUER = "issuers: [{name: main, issuerUrl: 'https://idp.example/realms/a', audiences: [api]}]\n";
  private static final String DEV = ISSUER + "sessions: {store: Memory}\nruntime: {replicas: 1}\nautoscaling: {enabled: false}\n";
  private static final String REDIS = "redis: {mode: External, external: {endpoints: ['r:6379']}}\n";
  private static final String LOGIN = "sessions: {login: {issuer: main, clientId: web, allowedRedirectDomains: [a.example]}}\n";

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("a development tier", DEV, null),
        Arguments.of("a tier with external Redis", ISSUER + REDIS, null),
        Arguments.of("bearer tokens only: no login, no Redis, two replicas and autoscaling", ISSUER + "runtime: {replicas: 2}\n", null),
        Arguments.of("bearer tokens only, sessions.store Memory said outright, autoscaling", ISSUER + "sessions: {store: Memory}\n", null),
        Arguments.of("login with Redis sessions (the default) without a redis section", ISSUER + LOGIN, "sessions.store Redis (the default) keeps login sessions in spec.redis"),
        Arguments.of("login with Memory sessions and two replicas", ISSUER + LOGIN.replace("sessions: {", "sessions: {store: Memory, ") + "runtime: {replicas: 2}\nautoscaling: {enabled: false}\n", "sessions.store Memory keeps login sessions in one pod"),
        Arguments.of("login with Memory sessions and autoscaling (on by default)", ISSUER + LOGIN.replace("sessions: {", "sessions: {store: Memory, ") + "runtime: {replicas: 1}\n", "sessions.store Memory keeps login sessions in one pod"),
        Arguments.of("login with Memory sessions in one pod", ISSUER + LOGIN.replace("sessions: {", "sessions: {store: Memory, ") + "runtime: {replicas: 1}\nautoscaling: {enabled: false}\n", null),
        Arguments.of("minReplicas above maxReplicas", ISSUER + REDIS + "autoscaling: {minReplicas: 5, maxReplicas: 3}\n", "autoscaling.minReplicas must not exceed"),
        Arguments.of("maxReplicas below the default minReplicas", ISSUER + REDIS + "autoscaling: {maxReplicas: 1}\n", "autoscaling.minReplicas must not exceed"),
        Arguments.of("two issuers with one name", "issuers: [{name: a, issuerUrl: 'https://a', audiences: [x]}, {name: a, issuerUrl: 'https://b', audiences: [y]}]\n" + REDIS, "issuers[].name must be unique"),
        Arguments.of("two issuers with one issuerUrl", "issuers: [{name: a, issuerUrl: 'https://a', audiences: [x]}, {name: b, issuerUrl: 'https://a', audiences: [y]}]\n" + REDIS, "issuers[].issuerUrl must be unique"),
        Arguments.of("login through an unknown issuer", ISSUER + REDIS + "sessions: {cookie: {signingKeys: [{id: k, secretRef: {name: s, key: k}}]}, login: {issuer: other, clientId: web, allowedRedirectDomains: [a.example]}}\n", "sessions.login.issuer must name one of"),
        Arguments.of("login without cookie signing keys (the operator generates one)", ISSUER + REDIS + "sessions: {login: {issuer: main, clientId: web, allowedRedirectDomains: [a.example]}}\n", null),
        Arguments.of("login scopes without openid", ISSUER + REDIS + "sessions: {cookie: {signingKeys: [{id: k, secretRef: {name: s, key: k}}]}, login: {issuer: main, clientId: web, scopes: [email], allowedRedirectDomains: [a.example]}}\n", "sessions.login.scopes must include openid"),
        Arguments.of("a complete login", ISSUER + REDIS + "sessions: {cookie: {signingKeys: [{id: k, secretRef: {name: s, key: k}}]}, login: {issuer: main, clientId: web, allowedRedirectDomains: [a.example]}}\n", null),
        Arguments.of("a login with passAccessToken, redirectUrl and redirectToLogin", ISSUER + REDIS + "sessions: {passAccessToken: Authorization, cookie: {signingKeys: [{id: k, secretRef: {name: s, key: k}}]}, login: {issuer: main, clientId: web, allowedRedirectDomains: [a.example], redirectUrl: 'https://a.example/oauth2/callback', redirectToLogin: true}}\n", null),
        Arguments.of("sessions remembered for 5s, the most the runtime allows", ISSUER + REDIS + "sessions: {localCacheTtl: 5s}\n", null),
        Arguments.of("sessions not remembered (localCacheTtl 0s)", DEV.replace("{store: Memory}", "{store: Memory, localCacheTtl: 0s}"), null),
        Arguments.of("External Redis without its endpoints", ISSUER + "redis: {mode: External}\n", "redis.mode External needs redis.external"),
        Arguments.of("a Standalone external Redis with two endpoints", ISSUER + "redis: {mode: External, external: {endpoints: ['a:1', 'b:2']}}\n", "redis.external.topology Standalone takes exactly one endpoint"),
        Arguments.of("an external Redis Cluster with two endpoints", ISSUER + "redis: {mode: External, external: {topology: Cluster, endpoints: ['a:1', 'b:2']}}\n", null),
        Arguments.of("a route with a rule", ISSUER + REDIS + "routes: [{pathPrefix: /admin, allowedGroups: [admins]}]\n", null),
        Arguments.of("a route without any rule", ISSUER + REDIS + "routes: [{pathPrefix: /open}]\n", "a route needs allowedGroups, allowedRoles or requiredScopes"),
        Arguments.of("two routes with one prefix", ISSUER + REDIS + "routes: [{pathPrefix: /a, allowedGroups: [x]}, {pathPrefix: /a, allowedRoles: [y]}]\n", "routes[].pathPrefix must be unique"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  @DisplayName("The CRD's CEL and the operator's validator agree on each spec")
  void celAndValidatorAgree(String title, String specYaml, String expectedMessage) throws Exception {
    // Given a spec, with the schema defaults applied as the API server would
    var spec = defaulted(specYaml);
    // When the CRD's rules run on it, and the operator validates it
    var failed = failingRules(spec, null);
    var problems = SpecValidator.validate(tier(specYaml));
    // Then both accept it, or both refuse it and CEL says why
    if (expectedMessage == null) {
      assertThat(failed).isEmpty();
      assertThat(problems).isEmpty();
    } else {
      assertThat(failed).anyMatch(m -> m.startsWith(expectedMessage));
      assertThat(problems).isNotEmpty();
    }
  }

  static Stream<Arguments> redirectUrls() {
    return Stream.of(
        Arguments.of("https://shop.example.com/oauth2/callback", true),
        Arguments.of("https://shop.example.com:8443/auth/oauth2/callback", true),
        Arguments.of("http://localhost:8080/oauth2/callback", true),
        Arguments.of("http://127.0.0.1/oauth2/callback", true),
        Arguments.of("https://127.0.0.1/oauth2/callback", true),
        Arguments.of("http://shop.example.com/oauth2/callback", false),
        Arguments.of("https://shop.example.com/oauth2/callback?x=1", false),
        Arguments.of("https://shop.example.com/oauth2/callback#top", false),
        Arguments.of("https://user@shop.example.com/oauth2/callback", false),
        Arguments.of("https://shop.example.com/oauth2/start", false),
        Arguments.of("https://shop.example.com/oauth2/callback/", false),
        Arguments.of("/oauth2/callback", false),
        Arguments.of("https://shop_example/oauth2/callback", false),
        Arguments.of("https://shop.example.123/oauth2/callback", false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("redirectUrls")
  @DisplayName("The CRD's redirectUrl pattern and the operator's validator agree on each callback URL")
  void redirectUrlPatternAndValidatorAgree(String url, boolean valid) throws Exception {
    // Given the pattern of sessions.login.redirectUrl in the committed CRD (RE2 there; these constructs mean the same in Java)
    var pattern = CrdFile.read(CrdFile.committed()).path("spec").path("versions").get(0)
        .path("schema").path("openAPIV3Schema").at("/properties/spec/properties/sessions/properties/login/properties/redirectUrl/pattern")
        .asText();
    assertThat(pattern).isNotEmpty();
    var spec = ISSUER + REDIS + "sessions: {cookie: {signingKeys: [{id: k, secretRef: {name: s, key: k}}]}, login: {issuer: main, clientId: web, allowedRedirectDomains: [a.example], redirectUrl: '" + url + "'}}\n";
    // When the API server would match it, and the operator validates it
    var matches = java.util.regex.Pattern.compile(pattern).matcher(url).find();
    var problems = SpecValidator.validate(tier(spec));
    // Then both accept it, or both refuse it and the operator names the field
    assertThat(matches).isEqualTo(valid);
    if (valid) {
      assertThat(problems).isEmpty();
    } else {
      assertThat(problems).extracting(p -> p.field()).containsExactly("spec.sessions.login.redirectUrl");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"__Host-authtier", "__Host-a", "__Host-!#$%&'*+-.^_`|~09AZaz", "__Host-", "__Host-a;b", "__Host-a b",
      "__Host-a=b", "__Host-\u00e9", "__host-a", "session", "__Secure-a", "a;__Host-b", " __Host-a"})
  @DisplayName("The CRD's cookie name pattern and the operator's validator agree on each name")
  void cookieNamePatternAndValidatorAgree(String name) throws Exception {
    // Given the pattern of sessions.cookie.name in the committed CRD
    var pattern = CrdFile.read(CrdFile.committed()).path("spec").path("versions").get(0)
        .path("schema").path("openAPIV3Schema").at("/properties/spec/properties/sessions/properties/cookie/properties/name/pattern")
        .asText();
    assertThat(pattern).isNotEmpty();
    // When the API server would match it, and the operator validates it (a JSON string is a YAML string too)
    var matches = java.util.regex.Pattern.compile(pattern).matcher(name).find();
    var problems = SpecValidator.validate(tier(DEV.replace("sessions: {store: Memory}",
        "sessions: {store: Memory, cookie: {name: " + new ObjectMapper().writeValueAsString(name) + "}}")));
    // Then both accept it, or both refuse it and the operator names the field
    if (matches) {
      assertThat(problems).isEmpty();
    } else {
      assertThat(problems).extracting(p -> p.field()).containsExactly("spec.sessions.cookie.name");
    }
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(strings = {"250m", "1", "0", "0.5", ".5", "1.", "+1", "1e3", "1e-3", "1E", "2Gi", "1.5Gi", "100n", "-1", "-0.5",
      "lots", "1 ", " 1", "1GB", "1K", "1mi", "1e", "", "1.5.5"})
  @DisplayName("The CRD's quantity pattern for runtime resources and the operator's validator agree on each amount")
  void quantityPatternAndValidatorAgree(String amount) throws Exception {
    // Given the pattern of spec.runtime.resources.requests' values in the committed CRD (RE2 there; the same in Java)
    var resources = "/properties/spec/properties/runtime/properties/resources/properties/";
    var schema = CrdFile.read(CrdFile.committed()).path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema");
    var pattern = schema.at(resources + "requests/additionalProperties/pattern").asText();
    assertThat(pattern).isNotEmpty().isEqualTo(schema.at(resources + "limits/additionalProperties/pattern").asText());
    // When the API server would match it (RE2 anchors ^ and $ at the text's ends, as matches() does)
    var matches = java.util.regex.Pattern.compile(pattern).matcher(amount).matches();
    var specYaml = ISSUER + REDIS + "runtime: {resources: {requests: {cpu: " + new ObjectMapper().writeValueAsString(amount) + "}}}\n";
    AuthTier tier;
    try {
      tier = tier(specYaml);
    } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
      // An amount fabric8's model cannot read ("") would stop the informer of every tier: the API server must refuse it
      assertThat(matches).as("the model cannot read it: " + e.getOriginalMessage()).isFalse();
      return;
    }
    // and the operator validates it as a request (a JSON string is a YAML string too)
    var problems = SpecValidator.validate(tier);
    // Then both accept it, or both refuse it and the operator names the field
    if (matches) {
      assertThat(problems).isEmpty();
    } else {
      assertThat(problems).extracting(p -> p.field()).containsExactly("spec.runtime.resources.requests.cpu");
    }
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(strings = {"ghcr.io/authtier/auth-runtime:0.1.0", "redis@sha256:0a1b", "a", "a b", " a", "a ", "a\tb", "a\n", ""})
  @DisplayName("The CRD's image patterns and the operator's validator agree on each image, the runtime's and Redis'")
  void imagePatternsAndValidatorAgree(String image) throws Exception {
    var spec = CrdFile.read(CrdFile.committed()).path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema")
        .path("properties").path("spec").path("properties");
    var json = new ObjectMapper().writeValueAsString(image);
    for (var field : List.of("runtime", "redis")) {
      // Given the pattern of that image in the committed CRD
      var pattern = spec.path(field).path("properties").path("image").path("pattern").asText();
      assertThat(pattern).as(field).isNotEmpty();
      // When the API server would match it (RE2 anchors ^ and $ at the text's ends, as matches() does), and the
      // operator validates it
      var matches = java.util.regex.Pattern.compile(pattern).matcher(image).matches();
      var problems = SpecValidator.validate(tier(field.equals("runtime")
          ? ISSUER + REDIS + "runtime: {image: " + json + "}\n"
          : ISSUER + "redis: {mode: Standalone, image: " + json + "}\n"));
      // Then both accept it, or both refuse it and the operator names the field
      if (matches) {
        assertThat(problems).as(field).isEmpty();
      } else {
        assertThat(problems).as(field).extracting(p -> p.field()).containsExactly("spec." + field + ".image");
      }
    }
  }

  static Stream<Arguments> transitions() {
    return Stream.of(
        Arguments.of("the same Redis mode", ISSUER + REDIS, ISSUER + REDIS.replace("r:6379", "q:6379"), true),
        Arguments.of("a Redis mode change", ISSUER + "redis: {mode: Cluster}\n", ISSUER + REDIS, false),
        Arguments.of("removing redis", ISSUER + REDIS, DEV, false),
        Arguments.of("adding redis where there was none", DEV, ISSUER + REDIS, true));
  }

  static Stream<Arguments> persistenceChanges() {
    var standalone = ISSUER + "redis: {mode: Standalone, persistence: %s}\n";
    return Stream.of(
        Arguments.of("the same persistence", standalone.formatted("{size: 1Gi}"), standalone.formatted("{size: 1Gi}"), true),
        Arguments.of("the same persistence, defaults spelled out", standalone.formatted("{}"),
            standalone.formatted("{enabled: true, size: 1Gi}"), true),
        Arguments.of("a larger volume", standalone.formatted("{size: 1Gi}"), standalone.formatted("{size: 2Gi}"), false),
        Arguments.of("persistence turned off", standalone.formatted("{}"), standalone.formatted("{enabled: false}"), false),
        Arguments.of("a StorageClass named", standalone.formatted("{}"), standalone.formatted("{storageClassName: fast}"), false),
        Arguments.of("an External Redis (no volumes of the operator's)", ISSUER + REDIS,
            ISSUER + REDIS.replace("}}", "}, persistence: {size: 5Gi}}"), true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("persistenceChanges")
  @DisplayName("redis.persistence cannot change once the tier exists, and the message names the field and the way out")
  void redisPersistenceIsImmutable(String title, String before, String after, boolean allowed) throws Exception {
    assertTransition(before, after, allowed, "spec.redis.persistence cannot change after creation");
    if (!allowed) {
      assertThat(failingRules(defaulted(after), defaulted(before)))
          .anyMatch(m -> m.contains("create a new AuthTier and migrate the data"));
    }
  }

  static Stream<Arguments> clusterScaling() {
    return Stream.of(
        Arguments.of("more masters", 3, 4, true),
        Arguments.of("the same masters", 4, 4, true),
        Arguments.of("fewer masters", 4, 3, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("clusterScaling")
  @DisplayName("A Redis Cluster can gain masters but not lose them")
  void clusterScaleIn(String title, int before, int after, boolean allowed) throws Exception {
    var cluster = ISSUER + "redis: {mode: Cluster, cluster: {masters: %d}}\n";
    assertTransition(cluster.formatted(before), cluster.formatted(after), allowed, "redis.cluster.masters cannot shrink");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @org.junit.jupiter.params.provider.CsvSource({"1, 2, true", "1, 1, true", "1, 0, false", "2, 1, false"})
  @DisplayName("A Redis Cluster can gain replicas per master but not lose them (pods go from the top, masters among them)")
  void clusterReplicasScaleIn(int before, int after, boolean allowed) throws Exception {
    var cluster = ISSUER + "redis: {mode: Cluster, cluster: {masters: 3, replicasPerMaster: %d}}\n";
    assertTransition(cluster.formatted(before), cluster.formatted(after), allowed, "redis.cluster.replicasPerMaster cannot shrink");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transitions")
  @DisplayName("redis.mode cannot change once the tier exists")
  void redisModeIsImmutable(String title, String before, String after, boolean allowed) throws Exception {
    assertTransition(before, after, allowed, "redis.mode cannot change");
  }

  /** The change from before to after passes the CRD's rules, or a rule refuses it with this message. */
  private static void assertTransition(String before, String after, boolean allowed, String message) throws Exception {
    var failed = failingRules(defaulted(after), defaulted(before));
    if (allowed) {
      assertThat(failed).noneMatch(m -> m.startsWith(message));
    } else {
      assertThat(failed).anyMatch(m -> m.startsWith(message));
    }
  }

  /** Messages of the rules that fail, each rule evaluated on the object at its schema's path. */
  private static List<String> failingRules(Object spec, Object oldSpec) throws Exception {
    var failed = new ArrayList<String>();
    for (var rule : rules()) {
      if (rule.path().contains("[]")) {
        // A rule on list items holds for each item (transition rules are not used on items here).
        for (var item : itemsAt(spec, rule.path())) {
          var program = RUNTIME.createProgram(COMPILER.compile(rule.expression()).getAst());
          if (!Boolean.TRUE.equals(program.eval(Map.of("self", item)))) {
            failed.add(rule.message());
          }
        }
        continue;
      }
      var self = at(spec, rule.path());
      if (self == null) {
        continue;
      }
      var transition = rule.expression().contains("oldSelf");
      var oldSelf = oldSpec == null ? null : at(oldSpec, rule.path());
      if (transition && oldSelf == null) {
        continue; // the API server evaluates transition rules on updates only
      }
      var variables = new HashMap<String, Object>();
      variables.put("self", self);
      if (transition) {
        variables.put("oldSelf", oldSelf);
      }
      var program = RUNTIME.createProgram(COMPILER.compile(rule.expression()).getAst());
      if (!Boolean.TRUE.equals(program.eval(variables))) {
        failed.add(rule.message());
      }
    }
    return failed;
  }

  record Rule(List<String> path, String expression, String message) {}

  private static List<Rule> rules() {
    var spec = CrdFile.read(CrdFile.committed()).path("spec").path("versions").get(0)
        .path("schema").path("openAPIV3Schema").path("properties").path("spec");
    var rules = new ArrayList<Rule>();
    collect(spec, new ArrayList<>(), rules);
    assertThat(rules).hasSizeGreaterThanOrEqualTo(10);
    return rules;
  }

  private static void collect(JsonNode schema, List<String> path, List<Rule> rules) {
    schema.path("x-kubernetes-validations").forEach(v ->
        rules.add(new Rule(List.copyOf(path), v.path("rule").asText(), v.path("message").asText())));
    schema.path("properties").properties().forEach(p -> {
      var child = new ArrayList<>(path);
      child.add(p.getKey());
      collect(p.getValue(), child, rules);
    });
    if (schema.has("items")) {
      var items = new ArrayList<>(path);
      items.add("[]");
      collect(schema.get("items"), items, rules);
    }
  }

  /** The objects at a path whose "[]" segments stand for every item of a list. */
  private static List<Object> itemsAt(Object root, List<String> path) {
    List<Object> current = List.of(root);
    for (var name : path) {
      var next = new ArrayList<Object>();
      for (var node : current) {
        if (name.equals("[]") && node instanceof List<?> list) {
          next.addAll(list);
        } else if (node instanceof Map<?, ?> map && map.containsKey(name)) {
          next.add(map.get(name));
        }
      }
      current = next;
    }
    return current;
  }

  @SuppressWarnings("unchecked")
  private static Object at(Object root, List<String> path) {
    var node = root;
    for (var name : path) {
      if (!(node instanceof Map<?, ?> map) || !map.containsKey(name)) {
        return null;
      }
      node = ((Map<String, Object>) map).get(name);
    }
    return node;
  }

  /** The spec as the API server stores it: schema defaults applied (the model applies the same ones). */
  private static Object defaulted(String specYaml) throws Exception {
    var spec = YAML.treeToValue(YAML.readTree(specYaml), AuthTierSpec.class);
    return celValue(YAML.valueToTree(spec));
  }

  /** JSON as CEL sees it: integers are 64-bit. */
  private static Object celValue(JsonNode node) {
    if (node.isObject()) {
      var map = new LinkedHashMap<String, Object>();
      node.properties().forEach(e -> {
        if (!e.getValue().isNull()) {
          map.put(e.getKey(), celValue(e.getValue()));
        }
      });
      return map;
    }
    if (node.isArray()) {
      var list = new ArrayList<Object>();
      node.forEach(item -> list.add(celValue(item)));
      return list;
    }
    if (node.isIntegralNumber()) {
      return node.asLong();
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    return node.asText();
  }

  private static AuthTier tier(String specYaml) throws Exception {
    var tier = new AuthTier();
    tier.setMetadata(new ObjectMetaBuilder().withName("t").withNamespace("n").build());
    tier.setSpec(YAML.treeToValue(YAML.readTree(specYaml), AuthTierSpec.class));
    return tier;
  }
}
