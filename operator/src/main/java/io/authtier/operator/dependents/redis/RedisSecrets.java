package io.authtier.operator.dependents.redis;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.secrets.ReferencedSecrets;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Function;

/** The Redis password: where it is, how it is generated, and what is derived from it. */
public final class RedisSecrets {
  public static final String ACL_FILE = "users.acl";
  public static final String AUTH_FILE = "auth.conf";

  private RedisSecrets() {}

  /** The password bytes of the tier's Redis (referenced or generated), when its Secret can be read. */
  public static Optional<byte[]> password(AuthTier tier, Function<String, Optional<Secret>> lookup) {
    return ReferencedSecrets.redisPassword(tier.getSpec(), tier.getMetadata().getName())
        .flatMap(ref -> ReferencedSecrets.read(lookup, ref))
        .map(RedisSecrets::trimNewlines)
        .filter(p -> p.length > 0);
  }

  /** The UID of the Secret that holds the Redis password, once it exists in the cluster. */
  public static Optional<String> passwordSecretUid(AuthTier tier, Function<String, Optional<Secret>> lookup) {
    return ReferencedSecrets.redisPassword(tier.getSpec(), tier.getMetadata().getName())
        .flatMap(ref -> lookup.apply(ref.name()))
        .map(secret -> secret.getMetadata() == null ? null : secret.getMetadata().getUid());
  }

  /** The ACL file: the default user, allowed everything, known by the SHA-256 of its password only. */
  public static String aclFile(byte[] password) {
    return "user default on #" + sha256Hex(password) + " ~* &* +@all\n";
  }

  /** What a Cluster replica needs to authenticate to its master; included by redis.conf. */
  public static String authFile(byte[] password) {
    return "masteruser default\nmasterauth " + quote(new String(password, StandardCharsets.UTF_8)) + "\n";
  }

  public static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** A redis.conf string argument in double quotes, with backslash escapes. */
  static String quote(String value) {
    var out = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      switch (c) {
        case '"', '\\' -> out.append('\\').append(c);
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> out.append(c);
      }
    }
    return out.append('"').toString();
  }

  private static byte[] trimNewlines(byte[] bytes) {
    int length = bytes.length;
    while (length > 0 && (bytes[length - 1] == '\n' || bytes[length - 1] == '\r')) {
      length--;
    }
    return length == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, length);
  }
}
