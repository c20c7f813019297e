package io.authtier.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** Client credentials for the issuer's token introspection endpoint. */
public record IntrospectionSpec(
    @Required
    @JsonPropertyDescription("OAuth client id used to call the introspection endpoint.")
    String clientId,

    @Required
    @JsonPropertyDescription("Secret key holding the client secret.")
    SecretKeyRef clientSecretRef) {}
