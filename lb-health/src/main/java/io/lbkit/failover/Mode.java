package io.lbkit.failover;

import io.lbkit.Request;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link Failover} bound to one balancer: what {@link LoadBalancer#execute} runs every call
 * through, holding the mode's per-balancer state (a fail-back queue, a live latency percentile)
 * in typed fields. Closed with the balancer.
 */
abstract class Mode implements AutoCloseable {

  abstract <T, E extends Exception> T execute(Request request, Call<T, E> call) throws E;

  abstract <T> CompletableFuture<T> executeAsync(Request request, AsyncCall<T> call);

  /** Calls waiting for a background retry; 0 for modes without any. */
  int pendingRetries() {
    return 0;
  }

  @Override
  public void close() {}
}
