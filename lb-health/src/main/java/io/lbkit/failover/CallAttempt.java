package io.lbkit.failover;

import io.lbkit.HealthTracker;
import io.lbkit.Server;
import io.lbkit.internal.TrackedAttempt;
import java.nio.channels.ClosedByInterruptException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * One attempt of a call under a failover mode: the {@link TrackedAttempt} (permission, in-flight,
 * exactly one end) plus what the mode needs, the outcome classified once and reported to the
 * {@link RetryBudget} too. Blocking modes run it with {@link Engine#run}; asynchronous ones with
 * {@link #start}, where whichever comes first of the call's end and {@link #cancel()} wins.
 */
final class CallAttempt extends TrackedAttempt {
  private final Engine engine;
  final AttemptKind kind;
  private volatile CompletableFuture<?> future;

  // Set by the end that won, before the mode hears of it.
  Outcome outcome;
  Object result;
  Throwable error; // as thrown, null when the call returned
  Throwable failure; // the error, or a FailedResultException for a result judged a failure
  /**
   * The call was stopped by its caller, not failed by its server: an interrupt, a cancelled
   * future, an executor that refused to run it. The attempt ended as a cancel (counted neither
   * for nor against the server) and the call must end with {@link #error}, retrying nothing.
   */
  boolean abandoned;

  /** {@code blocking}: made and ended by the calling thread alone (see TrackedAttempt). */
  CallAttempt(Engine engine, Server server, HealthTracker.Permit permit, boolean blocking,
      AttemptKind kind) {
    super(engine.tracker, server, permit, blocking);
    this.engine = engine;
    this.kind = kind;
    engine.events.begun(kind);
  }

  /**
   * Ends the attempt with the call's result or error, classified once; null if it had already
   * ended (a cancel won). An abandonment ends it as a cancel; {@code callerInterrupted} says the
   * blocking caller's thread was interrupted when the call failed.
   */
  Outcome finish(Object r, Throwable e, boolean callerInterrupted) {
    result = r;
    error = e;
    if (e != null && (callerInterrupted || isAbandonment(e))) {
      abandoned = true;
      failure = e;
      outcome = Outcome.FAILURE;
      return cancel() ? outcome : null;
    }
    Outcome o;
    try {
      o = engine.classify(r, e);
    } catch (Error classifierError) { // a user classifier: end the attempt, then let it go
      cancel();
      throw classifierError;
    }
    Throwable f = o.isSuccess() ? null : Engine.failureOf(r, e);
    failure = f;
    outcome = o;
    boolean won = o.isSuccess() ? success() : failure(f);
    return won ? o : null;
  }

  /**
   * Whether {@code e} says the caller stopped the call rather than the server failing it: an
   * interrupt, a cancelled future, or an executor that would not run the call. (A blocking call
   * that fails while its thread is interrupted counts too: see {@link Engine#run}.)
   */
  private static boolean isAbandonment(Throwable e) {
    Throwable cause = DefaultClassifier.unwrap(e);
    return cause instanceof InterruptedException || cause instanceof CancellationException
        || cause instanceof ClosedByInterruptException
        || cause instanceof RejectedExecutionException;
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
      if (finish(r, cause, false) != null) {
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
    if (engine.events.listening()) {
      // Set by finish() before this end; an Attempt handle ended by its user has none.
      Outcome o = outcome != null ? outcome : success ? Outcome.SUCCESS : Outcome.FAILURE;
      engine.events.ended(kind, server(), o, engine.tracker.ticker().read() - startNanos());
    }
  }

  @Override
  protected void cancelled() {
    CompletableFuture<?> f = future;
    if (f != null) {
      f.cancel(true);
    }
    if (engine.events.listening()) {
      engine.events.cancelled(kind, server(), engine.tracker.ticker().read() - startNanos());
    }
  }
}
