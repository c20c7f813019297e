package io.authtier.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.authtier.operator.support.Golden;
import io.authtier.operator.support.Repo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RenderCommandTest {

  record Result(int code, String out, String err) {}

  static List<Path> samples() {
    return Repo.samples();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  @DisplayName("render prints what the committed golden file holds, byte for byte, every time")
  void goldenAndDeterministic(Path sample) {
    var first = render(sample);
    var second = render(sample);

    assertThat(first.code()).as(first.err()).isZero();
    assertThat(second.out()).isEqualTo(first.out());
    var name = sample.getFileName().toString();
    Golden.assertMatches(Path.of("src/test/resources/golden").resolve(name), first.out());
  }

  @Test
  @DisplayName("Rendered objects hold no secret value: Secrets are mounted, never copied")
  void noSecretValues() {
    var out = render(Repo.sample("production.yaml")).out();
    assertThat(out).doesNotContain("replace-me").contains("/etc/authtier/secrets/shop-redis/password");
    assertThat(out).doesNotContain("kind: Secret");
  }

  @Test
  @DisplayName("A file that is not a valid AuthTier exits non-zero and names the field")
  void invalidFile(@TempDir Path dir) throws IOException {
    var wrongType = write(dir, "type.yaml", authTier("""
        issuers: [{name: main, issuerUrl: 'https://idp', audiences: [api]}]
        runtime: {replicas: many}
        """));
    var badRule = write(dir, "rule.yaml", tier("default", "{store: Memory, idleTimeout: 2h, absoluteTimeout: 1h}", "{replicas: 1}"));
    var notYaml = write(dir, "broken.yaml", "stringData:\n  password: hunter2-secret\n  other: [unclosed\n");

    assertThat(render(wrongType)).satisfies(r -> {
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err()).contains("spec.runtime.replicas");
    });
    assertThat(render(badRule)).satisfies(r -> {
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err()).contains("spec.sessions.absoluteTimeout: must be at least sessions.idleTimeout");
    });
    var tooMany = write(dir, "many.yaml", tier("default", "{store: Memory}", "{replicas: 1}").replace("autoscaling: {enabled: false}",
        "autoscaling: {enabled: false, maxReplicas: 1001}"));
    assertThat(render(tooMany)).satisfies(r -> {
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err()).contains("spec.autoscaling.maxReplicas: must be between 1 and 1000");
    });
    // Requests above limits, or a resource claim, make a pod Kubernetes refuses: refused here, by name
    var resources = write(dir, "resources.yaml", tier("default", "{store: Memory}",
        "{replicas: 1, resources: {requests: {cpu: '2', memory: 1Gi}, limits: {cpu: '1', memory: 512Mi}, claims: [{name: gpu}]}}"));
    assertThat(render(resources)).satisfies(r -> {
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err()).contains("spec.runtime.resources.requests.cpu: (2) must not exceed spec.runtime.resources.limits.cpu (1)",
          "spec.runtime.resources.requests.memory: (1Gi) must not exceed spec.runtime.resources.limits.memory (512Mi)",
          "spec.runtime.resources.claims: is not supported");
    });
    // Alert thresholds that could never fire, or that are no duration, are refused by name, not with a stack trace
    var alerts = write(dir, "alerts.yaml", tier("default", "{store: Memory}", "{replicas: 1}").replace("autoscaling: {enabled: false}",
        "autoscaling: {enabled: false}\n  monitoring: {alerts: {responseTimeWarning: 0.5s, errorRateCritical: 500, memoryCritical: 0}}"));
    assertThat(render(alerts)).satisfies(r -> {
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err()).contains("spec.monitoring.alerts.responseTimeWarning: '0.5s' is not a duration",
          "spec.monitoring.alerts.errorRateCritical: must be between 1 and 100", "spec.monitoring.alerts.memoryCritical: must be between 1 and 100")
          .doesNotContain("Exception");
    });
    assertThat(render(notYaml)).satisfies(r -> {
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err()).contains("not valid YAML at line").doesNotContain("hunter2");
    });
    assertThat(render(dir.resolve("missing.yaml"))).satisfies(r -> {
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err()).contains("missing.yaml: no such file");
    });
    // A directory is read file by file, and every file's problems are reported
    assertThat(render(dir)).satisfies(r -> {
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err()).contains("type.yaml", "spec.runtime.replicas", "broken.yaml", "not valid YAML").doesNotContain("IOException");
    });
    assertThat(render(Files.createDirectory(dir.resolve("empty")))).satisfies(r -> {
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err()).contains("is a directory without a .yaml or .yml file");
    });
  }

  @Test
  @DisplayName("A directory renders like one file holding all its YAML files: a Secret in another file feeds the hash")
  void directory(@TempDir Path dir) throws IOException {
    var tier = tier("shop", "{store: Memory, cookie: {signingKeys: [{id: k1, secretRef: {name: s, key: k1}}]}}", "{replicas: 1}");
    var secret = secret("shop", "{k1: 0123456789abcdef0123456789abcdef}");
    var together = write(Files.createDirectory(dir.resolve("one")), "all.yaml", tier + "---\n" + secret);
    var apart = Files.createDirectory(dir.resolve("two"));
    write(apart, "a-tier.yaml", tier);
    write(apart, "b-secret.yml", secret);
    write(apart, "notes.txt", "not read");

    var one = render(together);
    var two = render(apart);

    assertThat(two.code()).isZero();
    assertThat(two.err()).isEmpty();
    assertThat(two.out()).isEqualTo(one.out()).contains("kind: Deployment");
    // And the same object in two files is refused, naming both
    write(apart, "c-again.yaml", tier);
    assertThat(render(apart)).satisfies(r -> {
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err()).contains("c-again.yaml: AuthTier shop/t is already in " + apart.resolve("a-tier.yaml"));
    });
  }

  @Test
  @DisplayName("A GitOps directory's other objects are passed over with a note; a List is read item by item; a kind typo is an error")
  void otherKinds(@TempDir Path dir) throws IOException {
    var tier = tier("shop", "{store: Memory, cookie: {signingKeys: [{id: k1, secretRef: {name: s, key: k1}}]}}", "{replicas: 1}");
    var secret = secret("shop", "{k1: 0123456789abcdef0123456789abcdef}");
    var alone = render(write(Files.createDirectory(dir.resolve("alone")), "all.yaml", tier + "---\n" + secret));
    var app = Files.createDirectory(dir.resolve("app"));
    write(app, "a-namespace.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n");
    write(app, "b-tier.yaml", tier + "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec: {}\n");
    // As `kubectl get -o yaml` prints several objects, the Secret among them
    write(app, "c-list.yaml", "apiVersion: v1\nkind: List\nitems:\n" + secret.indent(2).replaceFirst("^  ", "- "));

    var result = render(app);

    assertThat(result.code()).isZero();
    assertThat(result.out()).isEqualTo(alone.out());
    assertThat(result.err()).contains("render: note: " + app.resolve("a-namespace.yaml") + ": Namespace shop is not read",
        "(document 2): Deployment shop/web is not read");
    assertThat(result.err().lines()).hasSize(2);

    write(app, "d-typo.yaml", tier.replace("kind: AuthTier", "kind: AuthTeir"));
    write(app, "e-bare.yaml", "metadata: {name: x}\n");
    assertThat(render(app)).satisfies(r -> {
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err()).contains("d-typo.yaml: kind: authtier.io has one kind, AuthTier; found 'AuthTeir'",
          "e-bare.yaml: kind: missing; every object needs apiVersion and kind");
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badValues")
  @DisplayName("A value of the wrong shape is refused as the API server would, naming the field and what belongs there")
  void badValues(String spec, String problem, @TempDir Path dir) throws IOException {
    var file = write(dir, "bad.yaml", authTier(spec));

    var result = render(file);

    assertThat(result.code()).as(result.err()).isEqualTo(1);
    assertThat(result.err()).contains(file.toString()).contains(": " + problem).doesNotContain("java.", "Exception", "Creator", "`");
    assertThat(result.out()).isEmpty();
  }

  static List<Arguments> badValues() {
    var issuer = "issuers: [{name: main, issuerUrl: 'https://idp', audiences: [api]}]\n";
    var memory = "sessions: {store: Memory}\nautoscaling: {enabled: false}\n";
    return List.of(
        arguments("issuers: [~]",
            "spec.issuers[0]: expected an object, got nothing"),
        arguments("issuers: [{name: main, issuerUrl: 'https://idp', audiences: [~]}]",
            "spec.issuers[0].audiences[0]: expected a string, got nothing"),
        arguments(issuer + "routes: [~]",
            "spec.routes[0]: expected an object, got nothing"),
        arguments(issuer + "redis: {mode: Standalone}\ntokenCache: {l1: {maxEntries: 3000000000}}",
            "spec.tokenCache.l1.maxEntries: 3000000000 is too large: this field holds an integer of at most 2147483647"),
        arguments(issuer + memory + "runtime: {replicas: 1.9}",
            "spec.runtime.replicas: expected an integer, got a decimal number"),
        arguments(issuer + memory + "runtime: {replicas: 99999999999}",
            "spec.runtime.replicas: 99999999999 is too large: this field holds an integer of at most 2147483647"),
        arguments(issuer + memory + "runtime: {replicas: -99999999999}",
            "spec.runtime.replicas: -99999999999 is too small: this field holds an integer of at least -2147483648"),
        arguments(issuer + memory + "runtime: {replicas: '1'}",
            "spec.runtime.replicas: expected an integer, got a string"),
        arguments(issuer + memory + "runtime: {replicas: true}",
            "spec.runtime.replicas: expected an integer, got true"),
        arguments(issuer + memory + "runtime: {replicas: 1, image: 5}",
            "spec.runtime.image: expected a string, got a number"),
        arguments("issuers: [{name: main, issuerUrl: 'https://idp', audiences: shop-api}]",
            "spec.issuers[0].audiences: expected a list of strings, got a string"),
        arguments(issuer + "redis: {mode: standalone}",
            "spec.redis.mode: must be one of Standalone, Cluster, External (did you mean 'Standalone'?)"),
        arguments(issuer + memory + "runtime: {replicas: 1, bogus: 1}",
            "spec.runtime.bogus: unknown field 'bogus'; known fields here: image, imagePullPolicy, maxTokenBytes, replicas, resources, trustedProxies"),
        arguments(issuer + "issuers: []",
            "spec.issuers: is given twice in the same mapping; keep one"));
  }

  @Test
  @DisplayName("Every unknown field of a document is reported, each with the field probably meant")
  void everyUnknownField(@TempDir Path dir) throws IOException {
    var file = write(dir, "typos.yaml", authTier("""
        issuers: [{name: main, issuerUrl: 'https://idp', audience: [api]}]
        sesions: {store: Memory}
        """));

    var result = render(file);

    assertThat(result.code()).isEqualTo(1);
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).contains(
        file + ": spec.issuers[0].audience: unknown field 'audience'; did you mean 'audiences'?",
        file + ": spec.sesions: unknown field 'sesions'; did you mean 'sessions'?");
  }

  @Test
  @DisplayName("Two AuthTiers of the same namespace and name are refused, naming both documents")
  void sameTierTwice(@TempDir Path dir) throws IOException {
    var tier = tier("shop", "{store: Memory}", "{replicas: 1}");
    var twice = write(dir, "twice.yaml", tier + "---\n" + tier);
    var otherNamespace = write(dir, "other.yaml", tier + "---\n" + tier.replace("namespace: shop", "namespace: other"));

    assertThat(render(twice)).satisfies(r -> {
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err()).contains(twice + " (document 2): AuthTier shop/t is already in " + twice + " (document 1)");
      assertThat(r.out()).isEmpty();
    });
    assertThat(render(otherNamespace).code()).isZero();
  }

  @Test
  @DisplayName("An empty runtime.image is refused as the operator refuses it (InvalidSpec), not rendered into a Deployment")
  void emptyRuntimeImage(@TempDir Path dir) throws IOException {
    var file = write(dir, "image.yaml", tier("default", "{store: Memory}", "{replicas: 1, image: \"\"}"));

    var result = render(file);

    assertThat(result.code()).isEqualTo(1);
    assertThat(result.err()).contains("spec.runtime.image: must name an auth-runtime image");
    assertThat(result.out()).isEmpty();
  }

  @Test
  @DisplayName("A referenced Secret absent from the file is named on stderr; the objects are still printed")
  void secretNotInFile(@TempDir Path dir) throws IOException {
    var production = Files.readString(Repo.sample("production.yaml"));
    var tierOnly = write(dir, "tier.yaml", production.substring(production.indexOf("apiVersion: authtier.io")));

    var result = render(tierOnly);

    assertThat(result.code()).isZero();
    assertThat(result.err()).contains("Secret shop-redis not found");
    assertThat(result.out()).contains("kind: Deployment");
  }

  @Test
  @DisplayName("A Secret of the same name in another namespace does not satisfy the AuthTier: Secrets match by namespace and name")
  void secretOfAnotherNamespace(@TempDir Path dir) throws IOException {
    var tier = tier("shop", "{store: Memory, cookie: {signingKeys: [{id: k1, secretRef: {name: s, key: k1}}]}}", "{replicas: 1}");
    var stringData = "{k1: 0123456789abcdef0123456789abcdef}";
    var elsewhere = render(write(dir, "elsewhere.yaml", tier + "---\n" + secret("other", stringData)));
    var alone = render(write(dir, "alone.yaml", tier));
    var sameNamespace = render(write(dir, "same.yaml", tier + "---\n" + secret("shop", stringData)));

    assertThat(elsewhere.code()).isZero();
    assertThat(elsewhere.err()).contains("Secret s not found");
    assertThat(elsewhere.out()).isEqualTo(alone.out());
    assertThat(sameNamespace.err()).doesNotContain("not found");
    assertThat(sameNamespace.out()).isNotEqualTo(alone.out());
  }

  @Test
  @DisplayName("A short signing key in the file fails the render, ending with a command that patches that key alone")
  void shortKeyFails(@TempDir Path dir) throws IOException {
    var file = write(dir, "short.yaml", tier("shop", "{store: Memory, cookie: {signingKeys: [{id: k2, secretRef: {name: s, key: k2}}]}}", "{replicas: 1}")
        + "---\n" + secret("shop", "{k1: 0123456789abcdef0123456789abcdef, k2: tiny-value}"));

    var result = render(file);

    // Then nothing is printed to apply, since the operator would stall on it and apply nothing
    assertThat(result.code()).isEqualTo(1);
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).contains("render: AuthTier t in " + file + " would stall");
    assertThat(result.err().lines().filter(l -> l.contains("shorter than")).toList()).singleElement().satisfies(line -> {
      assertThat(line).startsWith("  the runtime would refuse to start with s/k2: ");
      assertThat(line).endsWith("kubectl -n shop patch secret s --type merge -p \"{\\\"data\\\":{\\\"k2\\\":\\\"$(head -c 32 /dev/urandom | base64 | tr -d '\\n')\\\"}}\"");
      assertThat(line).doesNotContain("create secret", "tiny-value");
    });
  }

  @Test
  @DisplayName("A Secret in the file without the referenced key fails the render; a Secret the file lacks is only a note")
  void keyMissingFails(@TempDir Path dir) throws IOException {
    var tier = tier("shop", "{store: Memory, cookie: {signingKeys: [{id: k2, secretRef: {name: s, key: k2}}]}}", "{replicas: 1}");
    var withoutKey = write(dir, "nokey.yaml", tier + "---\n" + secret("shop", "{k1: 0123456789abcdef0123456789abcdef}"));
    var withoutSecret = write(dir, "nosecret.yaml", tier);

    var failed = render(withoutKey);
    var noted = render(withoutSecret);

    assertThat(failed.code()).isEqualTo(1);
    assertThat(failed.out()).isEmpty();
    assertThat(failed.err()).contains("would stall").contains("Secret s has no key k2");
    assertThat(noted.code()).isZero();
    assertThat(noted.err()).contains("render: note: " + withoutSecret + ": Secret s not found");
    assertThat(noted.out()).contains("kind: Deployment");
  }

  @Test
  @DisplayName("What the CRD's schema would refuse is refused here too, in plain words: 17 issuers, a tab for indentation, no metadata.name")
  void asStrictAsTheSchema(@TempDir Path dir) throws IOException {
    var issuers = java.util.stream.IntStream.range(0, 17)
        .mapToObj(i -> "{name: i%d, issuerUrl: 'https://idp/%d', audiences: [api]}".formatted(i, i))
        .collect(java.util.stream.Collectors.joining(", ", "issuers: [", "]\n"));
    var tooMany = write(dir, "many.yaml", authTier(issuers + "sessions: {store: Memory}\nruntime: {replicas: 1}\nautoscaling: {enabled: false}\n"));
    var tab = write(dir, "tab.yaml", authTier("issuers: [{name: main, issuerUrl: 'https://idp', audiences: [api]}]\n")
        + "\truntime: {replicas: 1}\n");
    var nameless = write(dir, "nameless.yaml", authTier("issuers: [{name: main, issuerUrl: 'https://idp', audiences: [api]}]\n"
        + "sessions: {store: Memory}\nruntime: {replicas: 1}\nautoscaling: {enabled: false}\n").replace("metadata: {name: t}", "metadata: {}"));

    assertThat(render(tooMany)).satisfies(result -> {
      assertThat(result.code()).isEqualTo(1);
      assertThat(result.err()).contains("spec.issuers: has 17 issuers, at most 16 are allowed");
    });
    assertThat(render(tab)).satisfies(result -> {
      assertThat(result.code()).isEqualTo(1);
      assertThat(result.err()).contains("a tab: YAML indents with spaces only");
    });
    assertThat(render(nameless)).satisfies(result -> {
      assertThat(result.code()).isEqualTo(1);
      assertThat(result.err()).contains("AuthTier (without metadata.name)").contains("metadata.name: is required");
    });
  }

  @Test
  @DisplayName("Usage errors exit 2")
  void usage() throws Exception {
    var err = new ByteArrayOutputStream();
    var code = io.authtier.operator.OperatorMainAccess.run(new String[] {"render"}, new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: render -f FILE");
  }

  /** A one-pod AuthTier t; {@code sessions} and {@code runtime} are YAML flow mappings. */
  private static String tier(String namespace, String sessions, String runtime) {
    return authTier(namespace, """
        issuers: [{name: main, issuerUrl: 'https://idp', audiences: [api]}]
        sessions: %s
        runtime: %s
        autoscaling: {enabled: false}
        """.formatted(sessions, runtime));
  }

  /** The Secret s of {@code namespace}; {@code stringData} is a YAML flow mapping. */
  private static String secret(String namespace, String stringData) {
    return """
        apiVersion: v1
        kind: Secret
        metadata: {name: s, namespace: %s}
        stringData: %s
        """.formatted(namespace, stringData);
  }

  /** The AuthTier t with {@code spec} (YAML lines) as its spec. */
  private static String authTier(String spec) {
    return authTier(null, spec);
  }

  private static String authTier(String namespace, String spec) {
    return """
        apiVersion: authtier.io/v1alpha1
        kind: AuthTier
        metadata: {name: t%s}
        spec:
        """.formatted(namespace == null ? "" : ", namespace: " + namespace) + spec.indent(2);
  }

  static Result render(Path file) {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    var code = RenderCommand.run(file, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static Path write(Path dir, String name, String content) throws IOException {
    var file = dir.resolve(name);
    Files.writeString(file, content);
    return file;
  }
}
