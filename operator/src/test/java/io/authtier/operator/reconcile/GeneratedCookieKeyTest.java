package io.authtier.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.api.v1alpha1.CookieSpec;
import io.authtier.operator.api.v1alpha1.LoginSpec;
import io.authtier.operator.api.v1alpha1.SecretKeyRef;
import io.authtier.operator.api.v1alpha1.SessionsSpec;
import io.authtier.operator.api.v1alpha1.SigningKeySpec;
import io.authtier.operator.dependents.DesiredState;
import io.authtier.operator.dependents.runtime.RuntimeDeploymentDependent;
import io.authtier.operator.support.OperatorHarness;
import io.authtier.operator.support.Tiers;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** sessions.login without sessions.cookie.signingKeys: the operator generates the key, once, and keeps it. */
class GeneratedCookieKeyTest {
  private static final String NS = "cookies";

  private OperatorHarness harness;

  @BeforeEach
  void start() {
    harness = OperatorHarness.start().withReadyWorkloads();
    harness.client().resource(new SecretBuilder().withNewMetadata().withName("web-oidc").withNamespace(NS).endMetadata()
        .withStringData(Map.of("secret", "client-secret-of-the-web-app")).build()).create();
    harness.client().resource(new SecretBuilder().withNewMetadata().withName("own-keys").withNamespace(NS).endMetadata()
        .withStringData(Map.of("k1", "a-signing-key-of-our-own-at-least-32-bytes")).build()).create();
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  @DisplayName("Login without signing keys: a 32-byte key is generated in <name>-cookie-key, owned, mounted and named (id generated) in the runtime config")
  void generated() {
    // Given a tier with login and no signing key
    harness.create(tier("gen", List.of()));

    // Then it becomes Ready, with the key in a Secret that the tier owns
    harness.awaitReady(NS, "gen");
    var secret = awaitKey("gen");
    var key = decode(secret);
    assertThat(key).hasSize(43).matches("[A-Za-z0-9_-]+");
    assertThat(Base64.getUrlDecoder().decode(key)).hasSize(32);
    assertThat(secret.getImmutable()).isTrue();
    assertThat(secret.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(owner -> assertThat(owner.getUid()).isEqualTo(harness.tier(NS, "gen").get().getMetadata().getUid()));
    // And the runtime reads it from its mounted file, under the id that cookies will name
    assertThat(config("gen")).contains("signingKeys:\n    - id: generated\n      file: /etc/authtier/secrets/gen-cookie-key/key");
    var pod = get(Deployment.class, "gen").getSpec().getTemplate().getSpec();
    assertThat(pod.getVolumes()).anySatisfy(volume -> {
      assertThat(volume.getSecret()).isNotNull();
      assertThat(volume.getSecret().getSecretName()).isEqualTo("gen-cookie-key");
      assertThat(volume.getSecret().getItems()).extracting(item -> item.getKey()).containsExactly("key");
    });
    // And the runtime's secrets hash covers the key, so that a regenerated key (Secret deleted by hand) rolls the pods
    var spec = harness.tier(NS, "gen").get().getSpec();
    var digest = io.authtier.operator.secrets.ReferencedSecrets.check(spec, "gen",
        name -> java.util.Optional.ofNullable(get(Secret.class, name))).digest();
    await().atMost(OperatorHarness.TIMEOUT).until(() -> digest.equals(get(Deployment.class, "gen").getSpec().getTemplate()
        .getMetadata().getAnnotations().get(RuntimeDeploymentDependent.SECRETS_HASH)));
    // And the key is in no other object
    var serialization = harness.client().getKubernetesSerialization();
    for (Class<? extends HasMetadata> kind : List.of(ConfigMap.class, Deployment.class)) {
      assertThat(serialization.asYaml(harness.client().resources(kind).inNamespace(NS).list().getItems())).doesNotContain(key);
    }
  }

  @Test
  @DisplayName("The key is kept through spec changes and while the signing keys name it; dropped from them, it is deleted")
  void keptThenRotatedAway() {
    // Given a Ready tier with a generated key
    harness.create(tier("rot", List.of()));
    harness.awaitReady(NS, "rot");
    var uid = awaitKey("rot").getMetadata().getUid();
    var key = decode(awaitKey("rot"));

    // When the spec changes elsewhere, the key stays as it is
    harness.update(NS, "rot", t -> {
      t.setSpec(Tiers.withSessions(t.getSpec(), sessions(t, "12h", t.getSpec().sessions().cookie().signingKeys())));
      return t;
    });
    await().atMost(OperatorHarness.TIMEOUT).until(() -> config("rot").contains("idleTimeout: 12h"));
    assertThat(get(Secret.class, "rot-cookie-key").getMetadata().getUid()).isEqualTo(uid);
    assertThat(decode(get(Secret.class, "rot-cookie-key"))).isEqualTo(key);

    // When a key of the team's own signs, and the generated one still verifies (the documented rotation)
    harness.update(NS, "rot", t -> {
      t.setSpec(Tiers.withSessions(t.getSpec(), sessions(t, "12h", List.of(
          new SigningKeySpec("k1", new SecretKeyRef("own-keys", "k1")),
          new SigningKeySpec("generated", new SecretKeyRef("rot-cookie-key", "key"))))));
      return t;
    });
    // Then the config lists both, the own key first, and the generated Secret is kept
    await().atMost(OperatorHarness.TIMEOUT).until(() -> config("rot").contains(
        "    - id: k1\n      file: /etc/authtier/secrets/own-keys/k1\n    - id: generated\n      file: /etc/authtier/secrets/rot-cookie-key/key"));
    harness.awaitReady(NS, "rot");
    assertThat(get(Secret.class, "rot-cookie-key").getMetadata().getUid()).isEqualTo(uid);

    // When the generated key is dropped from the list
    harness.update(NS, "rot", t -> {
      t.setSpec(Tiers.withSessions(t.getSpec(), sessions(t, "12h", List.of(new SigningKeySpec("k1", new SecretKeyRef("own-keys", "k1"))))));
      return t;
    });
    // Then its Secret goes, and the tier is Ready on its own key
    await().atMost(OperatorHarness.TIMEOUT).until(() -> get(Secret.class, "rot-cookie-key") == null);
    harness.awaitReady(NS, "rot");
    assertThat(config("rot")).doesNotContain("cookie-key");
  }

  @Test
  @DisplayName("Signing keys of its own from the start: no Secret is generated")
  void ownKeys() {
    harness.create(tier("own", List.of(new SigningKeySpec("k1", new SecretKeyRef("own-keys", "k1")))));

    harness.awaitReady(NS, "own");

    assertThat(get(Secret.class, "own-cookie-key")).isNull();
    assertThat(config("own")).contains("file: /etc/authtier/secrets/own-keys/k1").doesNotContain("generated");
  }

  @Test
  @DisplayName("render shows the generated key's Secret without data: the key exists in the cluster only")
  void renderShowsTheSecretWithoutData() {
    var objects = DesiredState.of(tier("gen", List.of()), "");

    assertThat(objects).filteredOn(object -> object instanceof Secret).singleElement().satisfies(object -> {
      assertThat(object.getMetadata().getName()).isEqualTo("gen-cookie-key");
      assertThat(((Secret) object).getData()).isNullOrEmpty();
    });
  }

  private static AuthTier tier(String name, List<SigningKeySpec> keys) {
    var tier = Tiers.sample("minimal.yaml", NS);
    tier.getMetadata().setName(name);
    tier.getMetadata().setGeneration(null);
    tier.setSpec(Tiers.withSessions(tier.getSpec(), sessions(tier, "24h", keys)));
    return tier;
  }

  private static SessionsSpec sessions(AuthTier tier, String idleTimeout, List<SigningKeySpec> keys) {
    var sessions = tier.getSpec().sessions();
    return new SessionsSpec(sessions.store(), new CookieSpec(null, null, keys), idleTimeout, sessions.absoluteTimeout(),
        sessions.localCacheTtl(), sessions.passAccessToken(), new LoginSpec("main", "web", new SecretKeyRef("web-oidc", "secret"),
            null, List.of("app.example.com"), null, null));
  }

  private Secret awaitKey(String tier) {
    return await().atMost(OperatorHarness.TIMEOUT).until(() -> get(Secret.class, tier + "-cookie-key"), s -> s != null);
  }

  private String config(String tier) {
    var map = get(ConfigMap.class, tier + "-config");
    return map == null ? "" : map.getData().values().iterator().next();
  }

  private <T extends HasMetadata> T get(Class<T> kind, String name) {
    return harness.client().resources(kind).inNamespace(NS).withName(name).get();
  }

  private static String decode(Secret secret) {
    return new String(Base64.getDecoder().decode(secret.getData().get("key")), StandardCharsets.UTF_8);
  }
}
