package io.lbkit.failover;

import io.lbkit.Server;
import java.util.concurrent.CompletableFuture;

/**
 * One attempt of a non-blocking call against a chosen server, for {@link
 * LoadBalancer#executeAsync}. The returned future is cancelled ({@code cancel(true)}) when the
 * attempt loses a hedge or fork race or the caller cancels; a client that can abort the request
 * should do so when that happens. Throwing instead of returning a failed future is allowed.
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface AsyncCall<T> {
  /**
   * Starts one attempt on {@code server} and returns without waiting for its answer.
   *
   * @param server the server chosen for this attempt
   * @return the attempt's future; its value or failure is classified as the attempt's outcome
   * @throws Exception when the attempt fails before a future exists; treated as a failed future
   */
  CompletableFuture<T> call(Server server) throws Exception;
}
