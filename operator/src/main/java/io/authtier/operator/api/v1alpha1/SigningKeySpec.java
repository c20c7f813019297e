package io.authtier.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A cookie signing key with the id that the cookie names. */
public record SigningKeySpec(
    @Required
    @Pattern("^[A-Za-z0-9._-]{1,64}$")
    @JsonPropertyDescription("Key id written into each cookie that this key signs.")
    String id,

    @Required
    @JsonPropertyDescription("Secret key holding the key material, at least 32 bytes.")
    SecretKeyRef secretRef) {}
