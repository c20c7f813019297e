package io.authtier.operator.reconcile;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.api.v1alpha1.AuthTierStatus;
import io.authtier.operator.api.v1alpha1.RedisStatus;
import java.util.Optional;

/**
 * {@code spec.redis.mode} cannot change after creation. The CRD's CEL rule refuses the change where the
 * API server enforces it; where it does not (an API server without CEL, a CRD applied without its rules),
 * acting on it would create a new Redis, move the runtime to it (every session lost) and, on the way back,
 * delete the generated password. The mode the tier runs is in its status, so the change is refused here too.
 */
final class RedisModeGuard {
  private RedisModeGuard() {}

  /** The problem, if the spec asks for another mode than the one the tier runs, or for none. */
  static Optional<String> change(AuthTier tier) {
    var running = Optional.ofNullable(tier.getStatus()).map(AuthTierStatus::redis).map(RedisStatus::mode);
    var wanted = Optional.ofNullable(tier.getSpec().redis()).map(redis -> redis.mode().name());
    if (running.isEmpty() || running.equals(wanted)) {
      return Optional.empty();
    }
    if (wanted.isEmpty()) {
      // Acting on it would delete an operator-run Redis, its data and its generated password.
      return Optional.of("spec.redis: cannot be removed after creation (the tier runs " + running.get() + "); put it back,"
          + " or create a new AuthTier without Redis");
    }
    return Optional.of("spec.redis.mode: cannot change after creation (the tier runs " + running.get() + "); set it back to "
        + running.get() + ", or create a new AuthTier with mode " + wanted.get() + " (sessions are not moved)");
  }
}
