/**
 * The {@code authtier.io/v1alpha1} API: the AuthTier custom resource, one class per spec section.
 *
 * <p>Field descriptions live in {@code @JsonPropertyDescription}: the CRD generator copies them into
 * the schema, so they are what {@code kubectl explain authtier.spec...} prints. Defaults are written
 * twice on purpose, in {@code @Default} (the API server applies them) and in each record's compact
 * constructor (the operator and {@code render} see the same values where no API server defaulted);
 * {@code CrdDefaultsTest} fails when the two disagree.
 */
package io.authtier.operator.api.v1alpha1;
