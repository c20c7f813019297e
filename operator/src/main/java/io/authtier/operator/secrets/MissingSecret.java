package io.authtier.operator.secrets;

/** A referenced Secret, or a key of it, that is not there. */
public record MissingSecret(String field, String secretName, String key, boolean secretExists) {

  /** For status and Events: names the Secret and the key, never a value. */
  public String describe() {
    return secretExists
        ? "Secret " + secretName + " has no key " + key + " (" + field + ")"
        : "Secret " + secretName + " not found (" + field + ")";
  }
}
