package io.authtier.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A key of a Secret in the AuthTier's namespace. The runtime reads it as a file; it is never copied. */
public record SecretKeyRef(
    @Required
    @Pattern(Patterns.DNS_SUBDOMAIN)
    @JsonPropertyDescription("Name of the Secret, in the AuthTier's namespace.")
    String name,

    @Required
    @Pattern(Patterns.SECRET_KEY)
    @JsonPropertyDescription("Key within the Secret.")
    String key) {}
