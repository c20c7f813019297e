package io.authtier.operator.secrets;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The referenced Secrets as found: what is missing, what holds a value the runtime would refuse, and a
 * digest of the referenced values that changes exactly when one of them does (it rolls the runtime's pods).
 */
public record SecretCheck(List<MissingSecret> missing, List<ShortSecret> tooShort, String digest) {

  public SecretCheck {
    missing = List.copyOf(missing);
    tooShort = List.copyOf(tooShort);
  }

  public boolean complete() {
    return missing.isEmpty() && tooShort.isEmpty();
  }

  /** The Stalled reason when not complete: a missing Secret first, then a missing key, then a bad value. */
  public String reason() {
    if (missing.stream().anyMatch(m -> !m.secretExists())) {
      return "SecretNotFound";
    }
    return missing.isEmpty() ? "SecretValueInvalid" : "SecretKeyNotFound";
  }

  /**
   * Every problem with its own fix, naming Secrets, keys and fields, never a value: a missing Secret is
   * created, a missing key added, a bad value replaced. Fixes name {@code namespace}.
   */
  public String describe(String namespace) {
    return Stream.concat(missing.stream().map(m -> m.describe(namespace)), tooShort.stream().map(s -> s.describe(namespace)))
        .collect(Collectors.joining("; "));
  }
}
