package io.authtier.operator.dependents;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Quantities in the canonical form that the API server stores ({@code 0.5} is stored as
 * {@code 500m}, {@code 1024Mi} as {@code 1Gi}). Without it the operator's matcher would see a
 * difference on every reconcile and write forever. The rules are those of Kubernetes'
 * {@code resource.Quantity}: keep the suffix family of the input (binary, decimal or exponent) and
 * take the largest suffix that leaves an integer, falling back to decimal for a fractional binary
 * amount; precision beyond nano is rounded up.
 */
public final class Quantities {
  /**
   * Kubernetes' grammar: a sign (a negative quantity is one, though no container may ask for one: the
   * validator refuses those), digits with an optional fraction ({@code 1.}, {@code .5}), then a suffix. No
   * spaces around it, which the API server does not take either.
   */
  private static final Pattern QUANTITY = Pattern.compile("^([+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+))([eE][+-]?[0-9]+|[a-zA-Z]*)$");
  private static final List<Map.Entry<String, Integer>> BINARY = List.of(
      Map.entry("Ei", 60), Map.entry("Pi", 50), Map.entry("Ti", 40), Map.entry("Gi", 30), Map.entry("Mi", 20),
      Map.entry("Ki", 10), Map.entry("", 0));
  private static final List<Map.Entry<String, Integer>> DECIMAL = List.of(
      Map.entry("E", 18), Map.entry("P", 15), Map.entry("T", 12), Map.entry("G", 9), Map.entry("M", 6),
      Map.entry("k", 3), Map.entry("", 0), Map.entry("m", -3), Map.entry("u", -6), Map.entry("n", -9));

  private Quantities() {}

  public static Quantity canonical(Quantity quantity) {
    return new Quantity(canonical(quantity.getAmount() + (quantity.getFormat() == null ? "" : quantity.getFormat())));
  }

  public static String canonical(String text) {
    var match = QUANTITY.matcher(text);
    if (!match.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a Kubernetes quantity, such as 500m, 1.5, 256Mi or 1Gi");
    }
    var number = new BigDecimal(match.group(1));
    var suffix = match.group(2);
    var binary = BINARY.stream().filter(e -> !e.getKey().isEmpty() && e.getKey().equals(suffix)).findFirst();
    var decimal = DECIMAL.stream().filter(e -> e.getKey().equals(suffix)).findFirst();
    BigDecimal value;
    if (binary.isPresent()) {
      value = number.multiply(new BigDecimal(BigInteger.TWO.pow(binary.get().getValue())));
    } else if (exponent(suffix)) {
      value = number.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1)));
    } else if (decimal.isPresent()) {
      value = number.scaleByPowerOfTen(decimal.get().getValue());
    } else {
      throw new IllegalArgumentException("'" + text + "' has an unknown suffix '" + suffix + "'");
    }
    // Kubernetes keeps at most nano precision, rounding up.
    value = value.setScale(9, RoundingMode.UP).stripTrailingZeros();
    if (value.signum() == 0) {
      return "0";
    }
    if (binary.isPresent() && isInteger(value)) {
      for (var unit : BINARY) {
        var scaled = value.divide(new BigDecimal(BigInteger.TWO.pow(unit.getValue())));
        if (isInteger(scaled)) {
          return scaled.toBigInteger() + unit.getKey();
        }
      }
    }
    var exponentForm = exponent(suffix);
    for (var unit : DECIMAL) {
      var scaled = value.scaleByPowerOfTen(-unit.getValue());
      if (isInteger(scaled)) {
        var mantissa = scaled.toBigInteger();
        if (exponentForm) {
          return unit.getValue() == 0 ? mantissa.toString() : mantissa + "e" + unit.getValue();
        }
        return mantissa + unit.getKey();
      }
    }
    throw new IllegalStateException("a value rounded to nano precision is an integer number of nanos");
  }

  /** A resource map (requests or limits) in canonical form, keys sorted. */
  public static Map<String, Quantity> canonical(Map<String, Quantity> quantities) {
    if (quantities == null) {
      return null;
    }
    var result = new TreeMap<String, Quantity>();
    quantities.forEach((name, quantity) -> result.put(name, canonical(quantity)));
    return result;
  }

  /** {@code e3}, {@code E-2}: an exponent. {@code E} alone is the exa suffix, {@code e} alone nothing. */
  private static boolean exponent(String suffix) {
    return suffix.length() > 1 && (suffix.charAt(0) == 'e' || suffix.charAt(0) == 'E');
  }

  private static boolean isInteger(BigDecimal value) {
    return value.signum() == 0 || value.scale() <= 0 || value.stripTrailingZeros().scale() <= 0;
  }
}
