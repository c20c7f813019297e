package io.authtier.operator.secrets;

/** A referenced Secret, or a key of it, that is not there. */
public record MissingSecret(String field, String secretName, String key, boolean secretExists) {

  /** For status and Events: names the Secret and the key, never a value. */
  public String describe() {
    return secretExists
        ? "Secret " + secretName + " has no key " + key + " (" + field + ")"
        : "Secret " + secretName + " not found (" + field + ")";
  }

  /**
   * What to do about it: a missing Secret is created, a missing key is added to the Secret that exists
   * (recreating that Secret would drop its other keys, such as an older cookie-signing key).
   */
  public String fix(String namespace) {
    return secretExists
        ? "add key " + key + " to Secret " + secretName + " (its other keys stay), or point " + field + " at a key it has"
        : "create Secret " + secretName + " with key " + key + " in namespace " + namespace + ", or point " + field
            + " at a Secret that exists";
  }

  /** {@link #describe()} followed by {@link #fix(String)}. */
  public String describe(String namespace) {
    return describe() + "; " + fix(namespace);
  }
}
