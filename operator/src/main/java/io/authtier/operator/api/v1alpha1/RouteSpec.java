package io.authtier.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Who may reach the paths under a prefix; the longest matching prefix applies. */
@ValidationRule(value = "(has(self.allowedGroups) && size(self.allowedGroups) > 0) || (has(self.allowedRoles) && size(self.allowedRoles) > 0) || (has(self.requiredScopes) && size(self.requiredScopes) > 0)",
    message = "a route needs allowedGroups, allowedRoles or requiredScopes; without them it would let every valid token in")
public record RouteSpec(
    @Required
    @Pattern("^/[^?#\\s]*$")
    @Size(max = 1024)
    @JsonPropertyDescription("Path prefix the rule guards, such as /admin (it guards /admin and /admin/..., not /administrator; /admin/ guards the same paths).")
    String pathPrefix,

    @Size(max = 32)
    @JsonPropertyDescription("The principal must be in at least one of these groups (claim groups).")
    List<String> allowedGroups,

    @Size(max = 32)
    @JsonPropertyDescription("The principal must have at least one of these roles (claim roles, or Keycloak's realm_access.roles).")
    List<String> allowedRoles,

    @Size(max = 32)
    @JsonPropertyDescription("The principal must have every one of these scopes (claim scope or scp).")
    List<String> requiredScopes) {

  public RouteSpec {
    allowedGroups = allowedGroups == null ? List.of() : List.copyOf(allowedGroups);
    allowedRoles = allowedRoles == null ? List.of() : List.copyOf(allowedRoles);
    requiredScopes = requiredScopes == null ? List.of() : List.copyOf(requiredScopes);
  }
}
