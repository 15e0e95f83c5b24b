package io.lbkit.failover;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The bookkeeping shared by modes that run attempts side by side (forking, hedging, broadcast):
 * the attempts started, the failures seen, the caller's promise; cancelling the promise cancels
 * every attempt still running. Subclasses decide when the call is over. Guarded by {@code this}.
 */
abstract class ParallelRun<T> {
  final CompletableFuture<T> promise = new CompletableFuture<>();
  final Engine engine;
  final List<AsyncAttempt<T>> attempts = new ArrayList<>(4);
  final List<Throwable> failures = new ArrayList<>(4);
  int ended;
  /** The last failed attempt, whose error or result the caller gets if the call fails. */
  AsyncAttempt<T> lastFailed;

  ParallelRun(Engine engine) {
    this.engine = engine;
    promise.whenComplete((r, e) -> cancelAll());
  }

  /** Records a finished attempt's failure; call with the lock held. */
  void recordFailure(AsyncAttempt<T> a) {
    failures.add(a.failure);
    lastFailed = a;
  }

  /** Completes the promise with {@code a}'s failure and the other failures suppressed. */
  void failWith(AsyncAttempt<T> a) {
    if (a.error == null) {
      promise.complete(a.result);
    } else {
      promise.completeExceptionally(Engine.withSuppressed(a.error, failures));
    }
  }

  void cancelAll() {
    List<AsyncAttempt<T>> copy;
    synchronized (this) {
      copy = new ArrayList<>(attempts);
    }
    for (AsyncAttempt<T> a : copy) {
      a.cancel();
    }
  }
}
