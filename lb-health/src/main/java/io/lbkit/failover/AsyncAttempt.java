package io.lbkit.failover;

import io.lbkit.Server;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One asynchronous attempt on one server. It ends exactly once: with an outcome (reported to the
 * tracker and the budget, then handed to the mode's callback) or by {@link #cancel()} (reported
 * as {@code onCancel}, no callback). Whichever comes first wins; the other is a no-op, so the
 * tracker's in-flight count and breaker permission are released exactly once.
 */
final class AsyncAttempt<T> {
  final Server server;
  private final Engine engine;
  final long startNanos;
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile CompletableFuture<T> future;

  Outcome outcome;
  T result;
  Throwable failure; // the error, or a FailedResultException for a failed result
  Throwable error; // the error as thrown, null when the attempt returned a result

  /** Calls {@code onStart} for {@code server}, whose permission the caller already holds. */
  AsyncAttempt(Engine engine, Server server) {
    this.engine = engine;
    this.server = server;
    this.startNanos = engine.tracker.onStart(server);
  }

  /**
   * Starts {@code call} and calls {@code done} once it ends with an outcome, on whichever thread
   * completes it (possibly this one, before returning). Callers publish the attempt (so that it
   * can be cancelled) before starting it.
   */
  void start(AsyncCall<T> call, Consumer<AsyncAttempt<T>> done) {
    CompletableFuture<T> f;
    try {
      f = call.call(server);
      if (f == null) {
        f = CompletableFuture.failedFuture(
            new NullPointerException("AsyncCall returned null for " + server));
      }
    } catch (Throwable e) {
      f = CompletableFuture.failedFuture(e);
    }
    future = f;
    if (ended.get()) {
      f.cancel(true); // cancelled before the future existed
      return;
    }
    f.whenComplete((r, e) -> {
      if (ended.compareAndSet(false, true)) {
        // A dependent stage (sendAsync(...).thenApply(...)) wraps its failure: report the cause.
        Throwable cause = e instanceof CompletionException && e.getCause() != null
            ? e.getCause() : e;
        result = r;
        error = cause;
        outcome = engine.classify(r, cause);
        failure = outcome.isSuccess() ? null : Engine.failureOf(r, cause);
        engine.report(server, startNanos, outcome, failure);
        done.accept(this);
      }
    });
  }

  /** Abandons the attempt if it has not ended: tracker {@code onCancel}, future cancelled. */
  boolean cancel() {
    if (!ended.compareAndSet(false, true)) {
      return false;
    }
    engine.tracker.onCancel(server, startNanos);
    CompletableFuture<T> f = future;
    if (f != null) {
      f.cancel(true);
    }
    return true;
  }
}
