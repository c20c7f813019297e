package io.authtier.operator.secrets;

import io.authtier.operator.api.v1alpha1.AuthTierSpec;
import io.authtier.operator.api.v1alpha1.RedisMode;
import io.authtier.operator.api.v1alpha1.SecretKeyRef;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
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
    return of(spec, null);
  }

  /**
   * Every reference in the spec, and the Secrets that the operator generates for {@code tierName} (left out
   * when {@code tierName} is null): the Redis password when an operator-run Redis names none, the cookie-signing
   * key when login names none.
   */
  public static List<SecretReference> of(AuthTierSpec spec, String tierName) {
    var refs = new ArrayList<SecretReference>();
    for (int i = 0; i < spec.issuers().size(); i++) {
      var introspection = spec.issuers().get(i).introspection();
      if (introspection != null) {
        add(refs, "spec.issuers[" + i + "].introspection.clientSecretRef", introspection.clientSecretRef());
      }
    }
    var keys = spec.sessions().cookie().signingKeys();
    for (int i = 0; i < keys.size(); i++) {
      add(refs, "spec.sessions.cookie.signingKeys[" + i + "].secretRef", keys.get(i).secretRef(),
          SecretReference.MIN_SIGNING_KEY_BYTES);
    }
    if (cookieKeyGenerated(spec) && tierName != null) {
      refs.add(new SecretReference("spec.sessions.cookie.signingKeys", generatedCookieKey(tierName), true,
          SecretReference.MIN_SIGNING_KEY_BYTES));
    }
    if (spec.sessions().login() != null) {
      add(refs, "spec.sessions.login.clientSecretRef", spec.sessions().login().clientSecretRef());
    }
    if (spec.redis() != null && spec.redis().mode() == RedisMode.External && spec.redis().external() != null) {
      add(refs, "spec.redis.external.passwordSecretRef", spec.redis().external().passwordSecretRef());
    }
    if (spec.redis() != null && spec.redis().mode() != RedisMode.External) {
      if (spec.redis().passwordSecretRef() != null) {
        add(refs, "spec.redis.passwordSecretRef", spec.redis().passwordSecretRef());
      } else if (tierName != null) {
        refs.add(new SecretReference("spec.redis.passwordSecretRef", generatedRedisPassword(tierName), true, 1));
      }
    }
    return refs;
  }

  /** The key, within its Secret, of the cookie-signing key that the operator generates. */
  public static final String GENERATED_COOKIE_KEY_KEY = "key";

  /** The id of the cookie-signing key that the operator generates, as cookies name it. */
  public static final String GENERATED_COOKIE_KEY_ID = "generated";

  /** Whether the operator generates the cookie-signing key: login is on and names no key of its own. */
  public static boolean cookieKeyGenerated(AuthTierSpec spec) {
    return spec.sessions().login() != null && spec.sessions().cookie().signingKeys().isEmpty();
  }

  /** The Secret key of the cookie-signing key that the operator generates when login names none. */
  public static SecretKeyRef generatedCookieKey(String tierName) {
    return new SecretKeyRef(tierName + "-cookie-key", GENERATED_COOKIE_KEY_KEY);
  }

  /** The Secret key of the password that the operator generates for an operator-run Redis. */
  public static SecretKeyRef generatedRedisPassword(String tierName) {
    return new SecretKeyRef(tierName + "-redis-password", "password");
  }

  /** The Redis password the tier uses, if any: the referenced key, or the generated one. */
  public static Optional<SecretKeyRef> redisPassword(AuthTierSpec spec, String tierName) {
    if (spec.redis() == null) {
      return Optional.empty();
    }
    if (spec.redis().mode() == RedisMode.External) {
      return spec.redis().external() == null ? Optional.empty()
          : Optional.ofNullable(spec.redis().external().passwordSecretRef());
    }
    return Optional.of(spec.redis().passwordSecretRef() != null ? spec.redis().passwordSecretRef()
        : generatedRedisPassword(tierName));
  }

  /** The value of a Secret key, decoded. */
  public static Optional<byte[]> read(Function<String, Optional<Secret>> lookup, SecretKeyRef ref) {
    return lookup.apply(ref.name()).flatMap(s -> value(s, ref.key()));
  }

  /** Names of the referenced Secrets, sorted. */
  public static Set<String> names(AuthTierSpec spec) {
    return names(spec, null);
  }

  /** Names of the referenced Secrets and of the generated ones, sorted. */
  public static Set<String> names(AuthTierSpec spec, String tierName) {
    var names = new TreeSet<String>();
    of(spec, tierName).forEach(r -> names.add(r.ref().name()));
    return names;
  }

  /** Looks each reference up; the digest covers names, keys and values, in a stable order. */
  public static SecretCheck check(AuthTierSpec spec, Function<String, Optional<Secret>> lookup) {
    return check(spec, null, lookup);
  }

  /**
   * As {@link #check(AuthTierSpec, Function)}, with the Secrets generated for {@code tierName}: not
   * missing while they do not exist yet, in the digest once they do.
   */
  public static SecretCheck check(AuthTierSpec spec, String tierName, Function<String, Optional<Secret>> lookup) {
    var missing = new ArrayList<MissingSecret>();
    var tooShort = new ArrayList<ShortSecret>();
    var entries = new TreeSet<String>();
    var material = new java.io.ByteArrayOutputStream();
    var uids = new ArrayList<String>();
    for (var reference : of(spec, tierName)) {
      var ref = reference.ref();
      var secret = lookup.apply(ref.name());
      var value = secret.flatMap(s -> value(s, ref.key()));
      if (value.isEmpty() && reference.generated()) {
        continue;
      }
      if (value.isEmpty()) {
        missing.add(new MissingSecret(reference.field(), ref.name(), ref.key(), secret.isPresent()));
        continue;
      }
      if (value.get().length < reference.minBytes()) {
        tooShort.add(new ShortSecret(reference.field(), ref.name(), ref.key(), reference.minBytes(), value.get().length == 0));
      }
      if (entries.add(ref.name() + "/" + ref.key())) {
        material.writeBytes((ref.name() + "/" + ref.key() + "=").getBytes(StandardCharsets.UTF_8));
        material.writeBytes(value.get());
        material.write(0);
        secret.map(s -> s.getMetadata() == null ? null : s.getMetadata().getUid()).ifPresent(uids::add);
      }
    }
    return new SecretCheck(missing, tooShort, SecretDigest.of(material.toByteArray(), uids));
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
    add(refs, field, ref, 1);
  }

  private static void add(List<SecretReference> refs, String field, SecretKeyRef ref, int minBytes) {
    if (ref != null && ref.name() != null && ref.key() != null) {
      refs.add(new SecretReference(field, ref, false, minBytes));
    }
  }
}
