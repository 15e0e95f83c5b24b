package io.lbkit.failover;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The bookkeeping shared by modes that run attempts side by side (forking, hedging, broadcast):
 * the attempts started, the failures seen, the caller's promise; cancelling the promise cancels
 * every attempt still running. Subclasses decide when the call is over. Guarded by {@code this}.
 */
abstract class ParallelRun<T> {
  final CompletableFuture<T> promise = new CompletableFuture<>();
  final Engine engine;
  final List<CallAttempt> attempts = new ArrayList<>(4);
  int ended;
  /** The last failed attempt, whose error or result the caller gets if the call fails. */
  CallAttempt lastFailed;

  ParallelRun(Engine engine) {
    this.engine = engine;
    promise.whenComplete((r, e) -> cancelAll());
  }

  /** Publishes and starts {@code a}; {@code onEnd} hears its outcome. */
  void launch(CallAttempt a, AsyncCall<T> call, Consumer<CallAttempt> onEnd) {
    synchronized (this) {
      attempts.add(a);
    }
    if (promise.isDone()) {
      a.cancel();
      return;
    }
    a.start(call, onEnd);
    if (promise.isDone()) {
      a.cancel();
    }
  }

  /** Records a finished attempt's failure; call with the lock held. */
  void recordFailure(CallAttempt a) {
    lastFailed = a;
  }

  /** Completes the promise with {@code a}'s failure: its error as thrown, or its result. */
  void failWith(CallAttempt a) {
    Engine.settle(a, promise);
  }

  void cancelAll() {
    List<CallAttempt> copy;
    synchronized (this) {
      copy = new ArrayList<>(attempts);
    }
    for (CallAttempt a : copy) {
      a.cancel();
    }
  }
}
