package io.authtier.operator.secrets;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.HexFormat;
import java.util.TreeSet;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The digest of Secret values that a pod template carries (so that a changed value rolls the pods), in
 * the open: Deployments, ReplicaSets and Pods are readable by the built-in {@code view} role, which
 * cannot read Secrets. A plain SHA-256 of a value would let such a reader test password guesses offline,
 * so in a cluster it is an HMAC keyed with the UIDs of the Secrets, which that reader cannot see. Offline
 * ({@code render}), Secrets from a file have no UID and the digest is the plain SHA-256: it shows the
 * change of a value, but differs from the one the operator writes.
 */
public final class SecretDigest {

  private SecretDigest() {}

  /** Hex HMAC-SHA256 of {@code material} keyed with {@code uids}, or hex SHA-256 if there are none. */
  public static String of(byte[] material, Collection<String> uids) {
    var keys = new TreeSet<String>();
    uids.stream().filter(uid -> uid != null && !uid.isEmpty()).forEach(keys::add);
    try {
      if (keys.isEmpty()) {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(material));
      }
      var mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(("authtier.io secrets digest\0" + String.join(",", keys)).getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(material));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 and HMAC-SHA256 are in every JVM: " + e.getClass().getSimpleName(), e);
    }
  }
}
