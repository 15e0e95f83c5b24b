package io.lbkit.failover;

import io.lbkit.Scheduler;
import io.lbkit.NoServerAvailableException;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.internal.Checks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * Dubbo's failover mode, with the safety rules Dubbo lacks: up to {@code maxAttempts} attempts
 * per call, each on a server not tried yet by this call while one is available (the request is
 * re-chosen with {@link Request#excluding}, so every retry sees the current pool and health);
 * once every available server has been tried, any server but the last one to fail (and, in a
 * pool of one, that one again). Between attempts it waits an exponential backoff with jitter
 * (default 25 ms doubling to at most 250 ms, ±50%), on the caller's thread through the
 * balancer's {@link Scheduler} for {@code execute}, and on a timer for {@code executeAsync}.
 *
 * <p>An attempt is repeated only if the failure allows it ({@link Failover} safety rules) and the
 * {@link RetryBudget} grants it. When the attempts are spent, the caller gets the last outcome:
 * the last error with the earlier ones suppressed, or the last result if the last attempt returned
 * one classified as a failure. Immutable: the {@code with} methods return a new instance.
 */
public final class Retry extends Failover {
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(25);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMillis(250);
  public static final double DEFAULT_MULTIPLIER = 2.0;
  public static final double DEFAULT_JITTER = 0.5;

  private final int maxAttempts;
  private final Backoff backoff;
  private final boolean nonIdempotent;

  Retry(int maxAttempts) {
    this(checkAttempts(maxAttempts), Backoff.of(DEFAULT_INITIAL_BACKOFF, DEFAULT_MULTIPLIER,
        DEFAULT_MAX_BACKOFF, DEFAULT_JITTER), false);
  }

  private Retry(int maxAttempts, Backoff backoff, boolean nonIdempotent) {
    this.maxAttempts = maxAttempts;
    this.backoff = backoff;
    this.nonIdempotent = nonIdempotent;
  }

  private static int checkAttempts(int maxAttempts) {
    Checks.argument(maxAttempts >= 1, "maxAttempts", maxAttempts, ">= 1");
    return maxAttempts;
  }

  /** Exponential backoff from {@code initial} (0: none), doubling, capped at {@code max}. */
  public Retry backoff(Duration initial, Duration max) {
    return backoff(initial, DEFAULT_MULTIPLIER, max);
  }

  public Retry backoff(Duration initial, double multiplier, Duration max) {
    return new Retry(maxAttempts, Backoff.of(initial, multiplier, max, DEFAULT_JITTER),
        nonIdempotent);
  }

  /** Each wait is the backoff × a uniform factor in [1 − jitter, 1 + jitter]; jitter in [0, 1]. */
  public Retry jitter(double jitter) {
    return new Retry(maxAttempts, backoff.withJitter(jitter), nonIdempotent);
  }

  /** Retries at once, without waiting. */
  public Retry noBackoff() {
    return new Retry(maxAttempts, Backoff.NONE, nonIdempotent);
  }

  /**
   * Opts in to retrying non-idempotent calls after failures other than timeouts (the caller
   * knows the server deduplicates). Timeouts of non-idempotent calls are still never retried.
   */
  public Retry retryNonIdempotent() {
    return new Retry(maxAttempts, backoff, true);
  }

  public int maxAttempts() {
    return maxAttempts;
  }

  @Override
  <T> T execute(Engine engine, Request request, Call<T> call) throws Exception {
    return runSync(engine, request, call, maxAttempts, nonIdempotent, backoff);
  }

  @Override
  <T> CompletableFuture<T> executeAsync(Engine engine, Request request, AsyncCall<T> call) {
    return runAsync(engine, request, call, maxAttempts, nonIdempotent, backoff);
  }

  /** The blocking retry loop, shared by the modes that retry in sequence. */
  static <T> T runSync(Engine engine, Request request, Call<T> call, int maxAttempts,
      boolean nonIdempotent, Backoff backoff) throws Exception {
    Server s = engine.acquire(request);
    Request tried = request;
    List<Throwable> earlier = null;
    for (int attempt = 1; ; attempt++) {
      long t = attempt == 1 ? engine.startFirst(s) : engine.tracker.onStart(s);
      T result = null;
      Throwable error = null;
      try {
        result = call.call(s);
      } catch (Throwable e) {
        error = e;
      }
      Outcome o = engine.classify(result, error);
      Throwable failure = o.isSuccess() ? null : Engine.failureOf(result, error);
      engine.report(s, t, o, failure);
      if (o.isSuccess() || error instanceof Error || attempt >= maxAttempts
          || !Engine.mayRepeat(request, o, nonIdempotent) || !engine.budget.tryAcquire()) {
        return finish(result, error, earlier);
      }
      if (earlier == null) {
        earlier = new ArrayList<>(maxAttempts);
      }
      earlier.add(failure);
      tried = tried.excluding(s);
      try {
        long wait = backoff.delayNanos(attempt, engine.random);
        if (wait > 0) {
          engine.scheduler.sleep(wait);
        }
        s = engine.acquireForRetry(tried, request, s);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure.addSuppressed(e);
        return finish(result, error, earlier);
      } catch (NoServerAvailableException e) {
        failure.addSuppressed(e);
        return finish(result, error, earlier);
      }
    }
  }

  private static <T> T finish(T result, Throwable error, List<Throwable> earlier)
      throws Exception {
    if (error == null) {
      return result;
    }
    throw Engine.rethrow(Engine.withSuppressed(error, earlier));
  }

  /** The non-blocking retry loop, shared by the modes that retry in sequence. */
  static <T> CompletableFuture<T> runAsync(Engine engine, Request request, AsyncCall<T> call,
      int maxAttempts, boolean nonIdempotent, Backoff backoff) {
    Server first;
    try {
      first = engine.acquireFirst(request);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    AsyncRun<T> run = new AsyncRun<>(engine, request, call, maxAttempts, nonIdempotent, backoff);
    run.promise.whenComplete((r, e) -> run.cancelRemaining());
    run.start(first);
    return run.promise;
  }

  /** One asynchronous call's sequence of attempts. */
  private static final class AsyncRun<T> {
    final CompletableFuture<T> promise = new CompletableFuture<>();
    private final Engine engine;
    private final Request request;
    private final AsyncCall<T> call;
    private final int maxAttempts;
    private final boolean nonIdempotent;
    private final Backoff backoff;
    private final List<Throwable> earlier = new ArrayList<>(2);
    private Request tried;
    private int attempt;
    private volatile AsyncAttempt<T> current;
    private volatile Future<?> timer;

    AsyncRun(Engine engine, Request request, AsyncCall<T> call, int maxAttempts,
        boolean nonIdempotent, Backoff backoff) {
      this.engine = engine;
      this.request = request;
      this.call = call;
      this.maxAttempts = maxAttempts;
      this.nonIdempotent = nonIdempotent;
      this.backoff = backoff;
      this.tried = request;
    }

    void start(Server s) {
      if (promise.isDone()) {
        engine.release(s);
        return;
      }
      attempt++;
      AsyncAttempt<T> a = new AsyncAttempt<>(engine, s);
      current = a;
      a.start(call, this::onEnd);
      if (promise.isDone()) {
        a.cancel();
      }
    }

    private void onEnd(AsyncAttempt<T> a) {
      Outcome o = a.outcome;
      if (o.isSuccess() || a.error instanceof Error || attempt >= maxAttempts
          || !Engine.mayRepeat(request, o, nonIdempotent) || !engine.budget.tryAcquire()) {
        complete(a.result, a.error);
        return;
      }
      earlier.add(a.failure);
      tried = tried.excluding(a.server);
      long wait = backoff.delayNanos(attempt, engine.random);
      Runnable next = () -> retry(a);
      if (wait <= 0) {
        next.run();
      } else {
        timer = engine.scheduler.schedule(next, wait);
      }
    }

    private void retry(AsyncAttempt<T> failed) {
      if (promise.isDone()) {
        return;
      }
      Server s;
      try {
        s = engine.acquireForRetry(tried, request, failed.server);
      } catch (RuntimeException e) {
        failed.failure.addSuppressed(e);
        complete(failed.result, failed.error);
        return;
      }
      start(s);
    }

    private void complete(T result, Throwable error) {
      if (error == null) {
        promise.complete(result);
      } else {
        promise.completeExceptionally(Engine.withSuppressed(error, earlier));
      }
    }

    void cancelRemaining() {
      Future<?> t = timer;
      if (t != null) {
        t.cancel(false);
      }
      AsyncAttempt<T> a = current;
      if (a != null) {
        a.cancel();
      }
    }
  }

  @Override
  public String toString() {
    return "retry(" + maxAttempts + ", " + backoff + (nonIdempotent ? ", non-idempotent" : "")
        + ")";
  }
}
