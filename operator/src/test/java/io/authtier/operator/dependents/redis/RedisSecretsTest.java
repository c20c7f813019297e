package io.authtier.operator.dependents.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.operator.dependents.DesiredState;
import io.authtier.operator.support.Tiers;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RedisSecretsTest {

  @Test
  @DisplayName("The ACL file names the password by its SHA-256 only; auth.conf quotes it for redis.conf")
  void derivedFiles() {
    // Given a password with characters that redis.conf would split or unescape
    var password = "a b\"c\\d".getBytes(StandardCharsets.UTF_8);

    // When the files are derived
    var acl = RedisSecrets.aclFile(password);
    var auth = RedisSecrets.authFile(password);

    // Then the ACL holds the hash and not the password, and auth.conf holds it quoted and escaped
    assertThat(acl).isEqualTo("user default on #" + RedisSecrets.sha256Hex(password) + " ~* &* +@all\n")
        .doesNotContain("a b");
    assertThat(auth).isEqualTo("masteruser default\nmasterauth \"a b\\\"c\\\\d\"\n");
    // And the same password always gives the same files (the ACL Secret is not rewritten in a steady state)
    assertThat(RedisSecrets.aclFile(password.clone())).isEqualTo(acl);
  }

  @Test
  @DisplayName("Generated passwords are 43 base64url characters (32 random bytes) and differ each time")
  void generated() {
    var seen = new HashSet<String>();
    for (int i = 0; i < 20; i++) {
      var password = io.authtier.operator.dependents.GeneratedSecretDependent.generate();
      assertThat(password).hasSize(43).matches("[A-Za-z0-9_-]+");
      seen.add(password);
    }
    assertThat(seen).hasSize(20);
  }

  @Test
  @DisplayName("render shows the Redis Secrets without data: the password is generated in the cluster only")
  void renderHasNoSecretData() {
    var objects = DesiredState.of(Tiers.sample("cluster.yaml", "api"), "digest");
    assertThat(objects).filteredOn(Secret.class::isInstance).extracting(o -> o.getMetadata().getName())
        .containsExactly("api-auth-redis-password", "api-auth-redis-acl");
    assertThat(objects).filteredOn(Secret.class::isInstance).allSatisfy(o -> {
      assertThat(((Secret) o).getData()).isNullOrEmpty();
      assertThat(((Secret) o).getStringData()).isNullOrEmpty();
    });
    assertThat(RedisAclSecretDependent.build(Tiers.sample("cluster.yaml", "api"), Optional.empty()).getData()).isNullOrEmpty();
  }
}
