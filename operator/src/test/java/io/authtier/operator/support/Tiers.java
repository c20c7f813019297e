package io.authtier.operator.support;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.api.v1alpha1.AuthTierSpec;
import io.authtier.operator.api.v1alpha1.AutoscalingSpec;
import io.authtier.operator.api.v1alpha1.IssuerSpec;
import io.authtier.operator.api.v1alpha1.MonitoringSpec;
import io.authtier.operator.api.v1alpha1.RedisSpec;
import io.authtier.operator.api.v1alpha1.RuntimeSpec;
import io.authtier.operator.api.v1alpha1.SessionsSpec;
import io.authtier.operator.cli.AuthTierFiles;
import java.util.List;

/** AuthTiers for tests, read from the samples. */
public final class Tiers {
  private Tiers() {}

  public static AuthTier sample(String file, String namespace) {
    try {
      var tier = AuthTierFiles.read(Repo.sample(file)).tiers().getFirst();
      tier.getMetadata().setNamespace(namespace);
      tier.getMetadata().setGeneration(1L);
      return tier;
    } catch (AuthTierFiles.InvalidFileException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** The spec with its issuers replaced. */
  public static AuthTierSpec withIssuers(AuthTierSpec s, List<IssuerSpec> issuers) {
    return new AuthTierSpec(issuers, s.tokenCache(), s.resilience(), s.sessions(), s.redis(), s.runtime(),
        s.autoscaling(), s.disruption(), s.monitoring(), s.routes());
  }

  /** The spec with its runtime section replaced. */
  public static AuthTierSpec withRuntime(AuthTierSpec s, RuntimeSpec runtime) {
    return new AuthTierSpec(s.issuers(), s.tokenCache(), s.resilience(), s.sessions(), s.redis(), runtime,
        s.autoscaling(), s.disruption(), s.monitoring(), s.routes());
  }

  /** The spec with its sessions section replaced. */
  public static AuthTierSpec withSessions(AuthTierSpec s, SessionsSpec sessions) {
    return new AuthTierSpec(s.issuers(), s.tokenCache(), s.resilience(), sessions, s.redis(), s.runtime(),
        s.autoscaling(), s.disruption(), s.monitoring(), s.routes());
  }

  /** The spec with its autoscaling section replaced. */
  public static AuthTierSpec withAutoscaling(AuthTierSpec s, AutoscalingSpec autoscaling) {
    return new AuthTierSpec(s.issuers(), s.tokenCache(), s.resilience(), s.sessions(), s.redis(), s.runtime(),
        autoscaling, s.disruption(), s.monitoring(), s.routes());
  }

  /** The spec with its redis section replaced. */
  public static AuthTierSpec withRedis(AuthTierSpec s, RedisSpec redis) {
    return new AuthTierSpec(s.issuers(), s.tokenCache(), s.resilience(), s.sessions(), redis, s.runtime(),
        s.autoscaling(), s.disruption(), s.monitoring(), s.routes());
  }

  /** The spec with its monitoring section replaced. */
  public static AuthTierSpec withMonitoring(AuthTierSpec s, MonitoringSpec monitoring) {
    return new AuthTierSpec(s.issuers(), s.tokenCache(), s.resilience(), s.sessions(), s.redis(), s.runtime(),
        s.autoscaling(), s.disruption(), monitoring, s.routes());
  }
}
