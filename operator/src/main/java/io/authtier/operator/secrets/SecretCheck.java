package io.authtier.operator.secrets;

import java.util.List;

/**
 * The referenced Secrets as found: what is missing, and a digest of the referenced values that
 * changes exactly when one of them does (it rolls the runtime's pods).
 */
public record SecretCheck(List<MissingSecret> missing, String digest) {

  public SecretCheck {
    missing = List.copyOf(missing);
  }

  public boolean complete() {
    return missing.isEmpty();
  }
}
