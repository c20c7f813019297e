package io.authtier.operator.dependents;

import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;

/**
 * Pod Security Standard "restricted", in one place for every workload the operator runs: non-root
 * with a fixed uid, no privilege escalation, read-only root filesystem, all capabilities dropped,
 * seccomp RuntimeDefault.
 */
public final class PodSecurity {
  private PodSecurity() {}

  /** The pod's context: runs as {@code uid}, which also owns mounted volumes (fsGroup). */
  public static PodSecurityContext restrictedPod(long uid) {
    return new PodSecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withRunAsUser(uid)
        .withRunAsGroup(uid)
        .withFsGroup(uid)
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
        .build();
  }

  /** Each container's context. */
  public static SecurityContext restrictedContainer() {
    return new SecurityContextBuilder()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withRunAsNonRoot(true)
        .withNewCapabilities().withDrop("ALL").endCapabilities()
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
        .build();
  }
}
