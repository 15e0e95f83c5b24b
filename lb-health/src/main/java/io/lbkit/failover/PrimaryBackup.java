package io.lbkit.failover;

import io.lbkit.Request;
import io.lbkit.Strategy;
import java.util.concurrent.CompletableFuture;

/**
 * The master/slave mode: calls go to the primary tier (priority 0) while enough of it is
 * available, by Envoy's overprovisioning factor 1.4 (at least 1 / 1.4, about 71.4%, of it), and spill to the next
 * tier when it is not; they return to the primaries as soon as enough of them are available
 * again (the tier is recomputed on every pool or health change, see {@link TierStrategy}). Within
 * a call, a failed attempt is retried on another server (default 2 attempts, no backoff), which
 * may be in the next tier once the tier in force is exhausted.
 */
final class PrimaryBackup extends StatelessFailover {
  static final int DEFAULT_MAX_ATTEMPTS = 2;

  private final Retry retry;

  PrimaryBackup(Retry retry) {
    this.retry = retry;
  }

  @Override
  Strategy wrap(Strategy strategy) {
    return new TierStrategy(strategy);
  }

  @Override
  <T, E extends Exception> T execute(Engine engine, Request request, Call<T, E> call)
      throws E {
    return retry.execute(engine, request, call);
  }

  @Override
  <T> CompletableFuture<T> executeAsync(Engine engine, Request request, AsyncCall<T> call) {
    return retry.executeAsync(engine, request, call);
  }

  @Override
  public String toString() {
    return "primaryBackup(" + retry + ")";
  }
}
