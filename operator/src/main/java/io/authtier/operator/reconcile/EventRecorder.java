package io.authtier.operator.reconcile;

import io.authtier.operator.api.v1alpha1.AuthTier;

/** Where Events about an AuthTier go: the Kubernetes API in the operator, anything in tests. */
public interface EventRecorder {
  void record(AuthTier tier, StatusEvents.Note note);
}
