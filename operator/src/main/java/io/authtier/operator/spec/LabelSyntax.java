package io.authtier.operator.spec;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Kubernetes' rules for label keys and values (apimachinery's IsQualifiedName and IsValidLabelValue), so that a
 * bad label is named in the tier's status instead of failing the write of the object that carries it.
 */
final class LabelSyntax {
  private static final Pattern NAME = Pattern.compile("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$");
  private static final Pattern DNS_SUBDOMAIN = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
  private static final int MAX_NAME = 63;
  private static final int MAX_PREFIX = 253;

  private LabelSyntax() {}

  /** What is wrong with {@code key} as a label key, if anything. */
  static Optional<String> key(String key) {
    if (key == null || key.isEmpty()) {
      return Optional.of("a label key cannot be empty");
    }
    var slash = key.indexOf('/');
    var name = slash < 0 ? key : key.substring(slash + 1);
    if (slash >= 0) {
      var prefix = key.substring(0, slash);
      if (prefix.isEmpty() || prefix.length() > MAX_PREFIX || !DNS_SUBDOMAIN.matcher(prefix).matches()) {
        return Optional.of("key '" + key + "': the prefix before '/' must be a DNS subdomain such as example.com"
            + " (lower case, at most 253 characters)");
      }
    }
    if (name.length() > MAX_NAME || !NAME.matcher(name).matches()) {
      return Optional.of("key '" + key + "': the name" + (slash < 0 ? "" : " after '/'") + " must be 1 to 63 letters,"
          + " digits, '-', '_' or '.', starting and ending with a letter or digit");
    }
    return Optional.empty();
  }

  /** What is wrong with {@code value} as a label value, if anything; empty is a value. */
  static Optional<String> value(String key, String value) {
    if (value == null) {
      return Optional.of("label '" + key + "' has no value; write '' for an empty one");
    }
    if (!value.isEmpty() && (value.length() > MAX_NAME || !NAME.matcher(value).matches())) {
      return Optional.of("label '" + key + "': the value must be at most 63 letters, digits, '-', '_' or '.',"
          + " starting and ending with a letter or digit");
    }
    return Optional.empty();
  }
}
