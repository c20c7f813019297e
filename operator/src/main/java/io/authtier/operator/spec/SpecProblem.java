package io.authtier.operator.spec;

/** One thing wrong with an AuthTier, with the field it is about and how to fix it. */
public record SpecProblem(String field, String message) {
  @Override
  public String toString() {
    return field + ": " + message;
  }
}
