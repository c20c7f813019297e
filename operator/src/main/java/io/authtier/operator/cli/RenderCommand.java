package io.authtier.operator.cli;

import io.authtier.operator.dependents.DesiredState;
import io.authtier.operator.secrets.MissingSecret;
import io.authtier.operator.secrets.ReferencedSecrets;
import io.authtier.operator.spec.SpecValidator;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Optional;

/**
 * `render -f FILE|DIR`: prints, offline, every object the operator would apply for the AuthTiers in
 * FILE, or in the YAML files of DIR. Secrets in the same file feed the secrets hash, as they would on a cluster; a referenced
 * Secret that the file lacks is named on stderr and left out of the hash. A Secret that the file holds
 * with a referenced key missing or too short fails the render (exit 1), as the operator would stall.
 * Objects of other kinds (the app's own, in a GitOps directory) are named on stderr and passed over.
 */
public final class RenderCommand {
  static final int INVALID = 1;

  private RenderCommand() {}

  public static int run(Path file, PrintStream out, PrintStream err) {
    return run(file, Optional.of(DesiredState.DEFAULT_OPERATOR_NAMESPACE), out, err);
  }

  /** @param operatorNamespace where the operator runs, which the Redis NetworkPolicy admits */
  public static int run(Path file, Optional<String> operatorNamespace, PrintStream out, PrintStream err) {
    AuthTierFiles.Contents contents;
    try {
      contents = AuthTierFiles.read(file);
    } catch (AuthTierFiles.InvalidFileException e) {
      err.println("render: " + file + " does not hold valid AuthTiers:");
      e.problems().forEach(p -> err.println("  " + p));
      return INVALID;
    }
    contents.skipped().forEach(s -> err.println("render: note: " + s));
    var objects = new ArrayList<io.fabric8.kubernetes.api.model.HasMetadata>();
    var invalid = false;
    for (var tier : contents.tiers()) {
      if (tier.getMetadata() != null && tier.getMetadata().getNamespace() == null) {
        tier.getMetadata().setNamespace(AuthTierFiles.DEFAULT_NAMESPACE);
      }
      var problems = SpecValidator.validate(tier);
      if (!problems.isEmpty()) {
        var name = tier.getMetadata() == null || tier.getMetadata().getName() == null ? "(without metadata.name)" : tier.getMetadata().getName();
        err.println("render: AuthTier " + name + " in " + file + " is invalid:");
        problems.forEach(p -> err.println("  " + p));
        invalid = true;
        continue;
      }
      var secrets = ReferencedSecrets.check(tier.getSpec(), tier.getMetadata().getName(),
          name -> contents.secret(tier.getMetadata().getNamespace(), name));
      // A Secret the file lacks may be applied some other way (sealed, external): a note. One the file
      // holds with a key missing or too short would stall the operator, which then applies nothing.
      secrets.missing().stream().filter(m -> !m.secretExists()).forEach(m -> err.println("render: note: " + file + ": "
          + m.describe() + "; authtier.io/secrets-hash leaves it out"));
      var stalls = new ArrayList<String>();
      secrets.missing().stream().filter(MissingSecret::secretExists)
          .forEach(m -> stalls.add(m.describe(tier.getMetadata().getNamespace())));
      // The fix's command comes last on its line, so that it can be copied as it is.
      secrets.tooShort().forEach(s -> stalls.add("the runtime would refuse to start with " + s.secretName() + "/" + s.key()
          + ": " + s.describe(tier.getMetadata().getNamespace())));
      if (!stalls.isEmpty()) {
        err.println("render: AuthTier " + tier.getMetadata().getName() + " in " + file
            + " would stall (SecretKeyNotFound or SecretValueInvalid), and the operator would apply nothing for it:");
        stalls.forEach(s -> err.println("  " + s));
        invalid = true;
        continue;
      }
      objects.addAll(DesiredState.of(tier, secrets.digest(), operatorNamespace));
    }
    if (invalid) {
      return INVALID;
    }
    out.print(KubernetesYaml.write(objects));
    out.flush();
    return 0;
  }
}
