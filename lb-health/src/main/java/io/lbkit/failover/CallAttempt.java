package io.lbkit.failover;

import io.lbkit.HealthTracker;
import io.lbkit.Server;
import io.lbkit.internal.TrackedAttempt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * One attempt of a call under a failover mode: the {@link TrackedAttempt} (permission, in-flight,
 * exactly one end) plus what the mode needs, the outcome classified once and reported to the
 * {@link RetryBudget} too. Blocking modes run it with {@link Engine#run}; asynchronous ones with
 * {@link #start}, where whichever comes first of the call's end and {@link #cancel()} wins.
 */
final class CallAttempt extends TrackedAttempt {
  private final Engine engine;
  private volatile CompletableFuture<?> future;

  // Set by the end that won, before the mode hears of it.
  Outcome outcome;
  Object result;
  Throwable error; // as thrown, null when the call returned
  Throwable failure; // the error, or a FailedResultException for a result judged a failure

  CallAttempt(Engine engine, Server server, HealthTracker.Permit permit) {
    super(engine.tracker, server, permit);
    this.engine = engine;
  }

  /**
   * Ends the attempt with the call's result or error, classified once; null if it had already
   * ended (a cancel won).
   */
  Outcome finish(Object r, Throwable e) {
    Outcome o = engine.classify(r, e);
    Throwable f = o.isSuccess() ? null : Engine.failureOf(r, e);
    result = r;
    error = e;
    failure = f;
    outcome = o;
    boolean won = o.isSuccess() ? success() : failure(f);
    return won ? o : null;
  }

  /**
   * Starts {@code call} and hands the attempt to {@code done} once it ends with an outcome, on
   * whichever thread completes it (possibly this one, before returning). Callers publish the
   * attempt (so that it can be cancelled) before starting it.
   */
  <T> void start(AsyncCall<T> call, Consumer<CallAttempt> done) {
    CompletableFuture<T> f;
    try {
      f = call.call(server());
      if (f == null) {
        f = CompletableFuture.failedFuture(
            new NullPointerException("AsyncCall returned null for " + server()));
      }
    } catch (Throwable e) {
      f = CompletableFuture.failedFuture(e);
    }
    future = f;
    if (isEnded()) {
      f.cancel(true); // cancelled before the future existed
      return;
    }
    f.whenComplete((r, e) -> {
      // A dependent stage (sendAsync(...).thenApply(...)) wraps its failure: report the cause.
      Throwable cause = e instanceof CompletionException && e.getCause() != null
          ? e.getCause() : e;
      if (finish(r, cause) != null) {
        done.accept(this);
      }
    });
  }

  @SuppressWarnings("unchecked")
  <T> T result() {
    return (T) result;
  }

  @Override
  protected void ended(boolean success) {
    if (success) {
      engine.budget.onSuccess();
    } else {
      engine.budget.onFailure();
    }
  }

  @Override
  protected void cancelled() {
    CompletableFuture<?> f = future;
    if (f != null) {
      f.cancel(true);
    }
  }
}
