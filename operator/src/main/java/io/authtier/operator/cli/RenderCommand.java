package io.authtier.operator.cli;

import io.authtier.operator.dependents.DesiredState;
import io.authtier.operator.secrets.ReferencedSecrets;
import io.authtier.operator.spec.SpecValidator;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;

/**
 * `render -f FILE`: prints, offline, every object the operator would apply for the AuthTiers in
 * FILE. Secrets in the same file feed the secrets hash, as they would on a cluster; a referenced
 * Secret that the file lacks is named on stderr and left out of the hash.
 */
public final class RenderCommand {
  static final int INVALID = 1;

  private RenderCommand() {}

  public static int run(Path file, PrintStream out, PrintStream err) {
    AuthTierFiles.Contents contents;
    try {
      contents = AuthTierFiles.read(file);
    } catch (AuthTierFiles.InvalidFileException e) {
      err.println("render: " + file + " is not a valid AuthTier file:");
      e.problems().forEach(p -> err.println("  " + p));
      return INVALID;
    }
    var objects = new ArrayList<io.fabric8.kubernetes.api.model.HasMetadata>();
    var invalid = false;
    for (var tier : contents.tiers()) {
      if (tier.getMetadata() != null && tier.getMetadata().getNamespace() == null) {
        tier.getMetadata().setNamespace(AuthTierFiles.DEFAULT_NAMESPACE);
      }
      var problems = SpecValidator.validate(tier);
      if (!problems.isEmpty()) {
        var name = tier.getMetadata() == null ? "(no name)" : tier.getMetadata().getName();
        err.println("render: AuthTier " + name + " in " + file + " is invalid:");
        problems.forEach(p -> err.println("  " + p));
        invalid = true;
        continue;
      }
      var secrets = ReferencedSecrets.check(tier.getSpec(), tier.getMetadata().getName(),
          name -> contents.secret(tier.getMetadata().getNamespace(), name));
      // The file comes first and the fix's command last, so that the command can be copied as it is.
      secrets.missing().forEach(m -> err.println("render: note: " + file + ": " + m.describe()
          + "; authtier.io/secrets-hash leaves it out"));
      secrets.tooShort().forEach(s -> err.println("render: note: " + file + ": the runtime would refuse to start with "
          + s.secretName() + "/" + s.key() + ": " + s.describe(tier.getMetadata().getNamespace())));
      objects.addAll(DesiredState.of(tier, secrets.digest()));
    }
    if (invalid) {
      return INVALID;
    }
    out.print(KubernetesYaml.write(objects));
    out.flush();
    return 0;
  }
}
