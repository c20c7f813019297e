package io.authtier.runtime.cache;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * L1 in front of L2: a lookup tries L1, then L2, and copies an L2 hit into L1 (for min(L1 TTL, what is
 * left of the answer)). Writes go to both; the returned stage completes once L1 has the entry, so the
 * caller never waits for Redis on a write.
 */
public final class TwoTierCache implements DecisionCache {

    private final DecisionCache l1;
    private final DecisionCache l2;

    public TwoTierCache(DecisionCache l1, DecisionCache l2) {
        this.l1 = Objects.requireNonNull(l1, "l1");
        this.l2 = Objects.requireNonNull(l2, "l2");
    }

    @Override
    public CompletionStage<Optional<CachedDecision>> get(String key) {
        return l1.get(key).thenCompose(fromL1 -> {
            if (fromL1.isPresent()) {
                return CompletableFuture.completedFuture(fromL1);
            }
            return l2.get(key).thenCompose(fromL2 -> fromL2.isEmpty()
                    ? CompletableFuture.completedFuture(fromL2)
                    : l1.put(key, fromL2.get()).thenApply(ignored -> fromL2));
        });
    }

    @Override
    public Optional<CachedDecision> peek(String key) {
        return l1.peek(key);
    }

    @Override
    public CompletionStage<Void> put(String key, CachedDecision decision) {
        l2.put(key, decision);
        return l1.put(key, decision);
    }

    @Override
    public void close() {
        try {
            l1.close();
        } finally {
            l2.close();
        }
    }
}
