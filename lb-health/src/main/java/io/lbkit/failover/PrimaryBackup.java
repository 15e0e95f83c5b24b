package io.lbkit.failover;

import io.lbkit.Request;
import io.lbkit.Strategy;
import java.util.concurrent.CompletableFuture;

/**
 * The master/slave mode: calls go to the primary tier (priority 0) while enough of it is
 * available, by Envoy's overprovisioning factor 1.4 (at least 1 / 1.4, about 71.4%, of it); below
 * that the tier keeps 1.4 × its available share of the traffic and the next tier takes the rest,
 * as Envoy's priority load does (see {@link TierStrategy}). The shares are recomputed on every
 * pool or health change. Within a call, a failed attempt is retried on another server (default 2
 * attempts, no backoff), which may be in another tier once its own tier is exhausted.
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
