package io.authtier.operator.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.operator.support.Tiers;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The runtime refuses empty secret files and short cookie signing keys; the operator finds them first. */
class ReferencedSecretsTest {

  @Test
  @DisplayName("A 5-byte cookie signing key and an empty client secret are reported by Secret, key and fix, never by value")
  void shortValuesAreReported() {
    // Given the production sample, whose Secrets all exist, with a 5-byte signing key and an empty login secret
    var tier = Tiers.sample("production.yaml", "prod");
    var spec = tier.getSpec();
    var signingKey = spec.sessions().cookie().signingKeys().getFirst().secretRef();
    var login = spec.sessions().login().clientSecretRef();
    var values = new java.util.HashMap<String, Map<String, String>>();
    ReferencedSecrets.of(spec).forEach(r -> values.computeIfAbsent(r.ref().name(), n -> new java.util.HashMap<>())
        .put(r.ref().key(), "x".repeat(40)));
    values.get(signingKey.name()).put(signingKey.key(), "abcde");
    values.get(login.name()).put(login.key(), "");

    // When the operator checks them
    var check = ReferencedSecrets.check(spec, name -> Optional.ofNullable(values.get(name)).map(ReferencedSecretsTest::secret));

    // Then the tier is not complete, and each problem names the Secret, the key, the field and the fix
    assertThat(check.complete()).isFalse();
    assertThat(check.reason()).isEqualTo("SecretValueInvalid");
    assertThat(check.tooShort()).extracting(ShortSecret::field)
        .containsExactly("spec.sessions.cookie.signingKeys[0].secretRef", "spec.sessions.login.clientSecretRef");
    assertThat(check.describe("shop"))
        .contains("Secret " + signingKey.name() + " key " + signingKey.key() + " is shorter than 32 bytes", "head -c 32 /dev/urandom")
        .contains("Secret " + login.name() + " key " + login.key() + " is empty")
        .doesNotContain("abcde");
  }

  @Test
  @DisplayName("A missing Secret and a missing key of another are each told their own fix: create the one, add the key to the other")
  void eachMissingPartHasItsOwnFix() {
    // Given the production sample, whose Redis password Secret is missing and whose signing-key Secret lacks a key
    var spec = Tiers.sample("production.yaml", "prod").getSpec();
    var signingKey = spec.sessions().cookie().signingKeys().getFirst().secretRef();
    var password = spec.redis().external().passwordSecretRef();
    var values = new java.util.HashMap<String, Map<String, String>>();
    ReferencedSecrets.of(spec).forEach(r -> values.computeIfAbsent(r.ref().name(), n -> new java.util.HashMap<>())
        .put(r.ref().key(), "x".repeat(40)));
    values.remove(password.name());
    values.get(signingKey.name()).remove(signingKey.key());

    // When the operator checks them
    var check = ReferencedSecrets.check(spec, name -> Optional.ofNullable(values.get(name)).map(ReferencedSecretsTest::secret));

    // Then the missing Secret is to be created, and the missing key added to the Secret that has other keys
    assertThat(check.reason()).isEqualTo("SecretNotFound");
    assertThat(check.describe("shop").split("; (?=Secret )")).containsExactlyInAnyOrder(
        "Secret " + signingKey.name() + " has no key " + signingKey.key() + " (spec.sessions.cookie.signingKeys[0].secretRef);"
            + " add key " + signingKey.key() + " to Secret " + signingKey.name() + " (its other keys stay), or point"
            + " spec.sessions.cookie.signingKeys[0].secretRef at a key it has",
        "Secret " + password.name() + " not found (spec.redis.external.passwordSecretRef); create Secret " + password.name()
            + " with key " + password.key() + " in namespace shop, or point spec.redis.external.passwordSecretRef at a Secret that exists");
  }

  @Test
  @DisplayName("A 32-byte signing key and one-byte secrets are enough")
  void minimumsAccepted() {
    var tier = Tiers.sample("production.yaml", "prod");
    var spec = tier.getSpec();
    var values = new java.util.HashMap<String, Map<String, String>>();
    ReferencedSecrets.of(spec).forEach(r -> values.computeIfAbsent(r.ref().name(), n -> new java.util.HashMap<>())
        .put(r.ref().key(), "x".repeat(r.minBytes())));

    var check = ReferencedSecrets.check(spec, name -> Optional.ofNullable(values.get(name)).map(ReferencedSecretsTest::secret));

    assertThat(check.complete()).isTrue();
  }

  @Test
  @DisplayName("The suggested fix for a short key is a shell command that patches that key alone, in the tier's namespace")
  void suggestedFixPatchesOneKey() throws Exception {
    var message = new ShortSecret("spec.sessions.cookie.signingKeys[1].secretRef", "cookie", "k2", 32, false).describe("shop");
    var command = message.substring(message.indexOf("e.g.: ") + "e.g.: ".length());

    // Run as a shell would, with kubectl standing in to print the arguments it was given
    var process = new ProcessBuilder("bash", "-c", "kubectl() { printf '%s\\n' \"$@\"; }; " + command)
        .redirectErrorStream(true).start();
    var arguments = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
    assertThat(process.waitFor()).as(String.join("\n", arguments)).isZero();

    // A merge patch of data.k2 only: the Secret's other keys (the older signing key k1) stay
    assertThat(arguments.subList(0, 8)).containsExactly("-n", "shop", "patch", "secret", "cookie", "--type", "merge", "-p");
    var patch = new com.fasterxml.jackson.databind.ObjectMapper().readTree(arguments.get(8));
    assertThat(patch.properties()).hasSize(1);
    assertThat(patch.get("data").properties()).extracting(Map.Entry::getKey).containsExactly("k2");
    assertThat(java.util.Base64.getDecoder().decode(patch.get("data").get("k2").asText())).hasSize(32);
  }

  private static Secret secret(Map<String, String> stringData) {
    return new SecretBuilder().withNewMetadata().withName("s").endMetadata().withStringData(stringData).build();
  }
}
