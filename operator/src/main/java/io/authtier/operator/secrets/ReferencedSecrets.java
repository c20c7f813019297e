package io.authtier.operator.secrets;

import io.authtier.operator.api.v1alpha1.AuthTierSpec;
import io.authtier.operator.api.v1alpha1.SecretKeyRef;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/** The Secret keys an AuthTier refers to, and their state. */
public final class ReferencedSecrets {

  private ReferencedSecrets() {}

  /** Every reference in the spec, in the order of the spec's fields. */
  public static List<SecretReference> of(AuthTierSpec spec) {
    var refs = new ArrayList<SecretReference>();
    for (int i = 0; i < spec.issuers().size(); i++) {
      var introspection = spec.issuers().get(i).introspection();
      if (introspection != null) {
        add(refs, "spec.issuers[" + i + "].introspection.clientSecretRef", introspection.clientSecretRef());
      }
    }
    var keys = spec.sessions().cookie().signingKeys();
    for (int i = 0; i < keys.size(); i++) {
      add(refs, "spec.sessions.cookie.signingKeys[" + i + "].secretRef", keys.get(i).secretRef());
    }
    if (spec.sessions().login() != null) {
      add(refs, "spec.sessions.login.clientSecretRef", spec.sessions().login().clientSecretRef());
    }
    if (spec.redis() != null && spec.redis().external() != null) {
      add(refs, "spec.redis.external.passwordSecretRef", spec.redis().external().passwordSecretRef());
    }
    return refs;
  }

  /** Names of the referenced Secrets, sorted. */
  public static Set<String> names(AuthTierSpec spec) {
    var names = new TreeSet<String>();
    of(spec).forEach(r -> names.add(r.ref().name()));
    return names;
  }

  /** Looks each reference up; the digest covers names, keys and values, in a stable order. */
  public static SecretCheck check(AuthTierSpec spec, Function<String, Optional<Secret>> lookup) {
    var missing = new ArrayList<MissingSecret>();
    var entries = new TreeSet<String>();
    var digest = sha256();
    for (var reference : of(spec)) {
      var ref = reference.ref();
      var secret = lookup.apply(ref.name());
      var value = secret.flatMap(s -> value(s, ref.key()));
      if (value.isEmpty()) {
        missing.add(new MissingSecret(reference.field(), ref.name(), ref.key(), secret.isPresent()));
        continue;
      }
      if (entries.add(ref.name() + "/" + ref.key())) {
        digest.update((ref.name() + "/" + ref.key() + "=").getBytes(StandardCharsets.UTF_8));
        digest.update(value.get());
        digest.update((byte) 0);
      }
    }
    return new SecretCheck(missing, HexFormat.of().formatHex(digest.digest()));
  }

  private static Optional<byte[]> value(Secret secret, String key) {
    if (secret.getData() != null && secret.getData().get(key) != null) {
      return Optional.of(Base64.getDecoder().decode(secret.getData().get(key)));
    }
    // stringData only appears in files given to `render`; the API server folds it into data.
    if (secret.getStringData() != null && secret.getStringData().get(key) != null) {
      return Optional.of(secret.getStringData().get(key).getBytes(StandardCharsets.UTF_8));
    }
    return Optional.empty();
  }

  private static void add(List<SecretReference> refs, String field, SecretKeyRef ref) {
    if (ref != null && ref.name() != null && ref.key() != null) {
      refs.add(new SecretReference(field, ref));
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
