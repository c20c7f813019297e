package io.authtier.operator.secrets;

/**
 * A referenced Secret key whose value the runtime would refuse at start (empty, or a cookie signing key
 * under 32 bytes): rolling it out would crash-loop the pods, so the tier stalls instead.
 */
public record ShortSecret(String field, String secretName, String key, int minBytes, boolean empty) {

  /** For status and Events: names the Secret, the key and the fix, never the value or its length. */
  public String describe() {
    return empty
        ? "Secret " + secretName + " key " + key + " is empty (" + field + "); put the value in it"
        : "Secret " + secretName + " key " + key + " is shorter than " + minBytes + " bytes (" + field + "); put at least "
            + minBytes + " random bytes in it, e.g. kubectl create secret generic " + secretName + " --from-file=" + key
            + "=<(head -c " + minBytes + " /dev/urandom) --dry-run=client -o yaml | kubectl apply -f -";
  }
}
