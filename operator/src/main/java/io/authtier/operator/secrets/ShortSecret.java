package io.authtier.operator.secrets;

/**
 * A referenced Secret key whose value the runtime would refuse at start (empty, or a cookie signing key
 * under 32 bytes): rolling it out would crash-loop the pods, so the tier stalls instead.
 */
public record ShortSecret(String field, String secretName, String key, int minBytes, boolean empty) {

  /**
   * For status and Events: names the Secret, the key and the fix, never the value or its length. The
   * fix patches only this key: replacing the whole Secret would drop its other keys, such as the older
   * cookie-signing key that keeps everyone's sessions valid during a rotation. The command comes last
   * so that it can be copied as it is.
   *
   * @param namespace the Secret's namespace, named in the command
   */
  public String describe(String namespace) {
    if (empty) {
      return "Secret " + secretName + " key " + key + " is empty (" + field + "); put the value in it";
    }
    return "Secret " + secretName + " key " + key + " is shorter than " + minBytes + " bytes (" + field + "); put at least "
        + minBytes + " random bytes in that key alone (the Secret's other keys stay), e.g.: kubectl -n " + namespace
        + " patch secret " + secretName
        + " --type merge -p \"{\\\"data\\\":{\\\"" + key + "\\\":\\\"$(head -c " + minBytes
        + " /dev/urandom | base64 | tr -d '\\n')\\\"}}\"";
  }
}
