package io.lbkit.failover;

import io.lbkit.Scheduler;
import io.lbkit.Request;
import io.lbkit.internal.Checks;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Hedged requests (Dean and Barroso, The Tail at Scale): the call goes to one server; if no
 * answer has come after the hedge delay, a copy goes to another server, and so on up to {@code
 * maxAttempts} copies in all (default 2). The first success is the answer; the copies still
 * running are cancelled (future cancelled, blocking thread interrupted, in-flight and breaker
 * permission released). A copy that fails while none is running starts the next one at once,
 * if the failure allows a repeat. Every copy after the first needs the {@link RetryBudget}.
 *
 * <p>The delay is fixed, or the given percentile of the latencies of recent successful attempts
 * through this balancer (measured live with its ticker; the initial delay applies until 100 have
 * been seen). Non-idempotent calls are never hedged. Timers run on the balancer's {@link
 * Scheduler}; blocking calls on its executor. Immutable.
 */
public final class Hedged extends Failover {
  /** Copies in all, the first included, by default: one hedge. */
  public static final int DEFAULT_MAX_ATTEMPTS = 2;

  private final long delayNanos;
  private final double percentile; // NaN for a fixed delay
  private final int maxAttempts;

  private Hedged(long delayNanos, double percentile, int maxAttempts) {
    this.delayNanos = delayNanos;
    this.percentile = percentile;
    this.maxAttempts = maxAttempts;
  }

  static Hedged fixed(Duration delay) {
    return new Hedged(Checks.nonNegative(delay, "delay").toNanos(), Double.NaN,
        DEFAULT_MAX_ATTEMPTS);
  }

  static Hedged percentile(double percentile, Duration initialDelay) {
    Checks.argument(percentile > 0 && percentile < 1, "percentile", percentile, "in (0, 1)");
    return new Hedged(Checks.nonNegative(initialDelay, "initialDelay").toNanos(), percentile,
        DEFAULT_MAX_ATTEMPTS);
  }

  /**
   * This mode with another number of copies in all, the first included (default 2).
   *
   * @param maxAttempts {@code >= 1}; 1 disables hedging
   * @return a new mode; this one is unchanged
   * @throws IllegalArgumentException if {@code maxAttempts} is below 1
   */
  public Hedged maxAttempts(int maxAttempts) {
    Checks.argument(maxAttempts >= 1, "maxAttempts", maxAttempts, ">= 1");
    return new Hedged(delayNanos, percentile, maxAttempts);
  }

  @Override
  Mode bind(Engine engine) {
    LatencyPercentile latencies =
        Double.isNaN(percentile) ? null : new LatencyPercentile(percentile, delayNanos);
    return new Mode() {
      @Override
      <T, E extends Exception> T execute(Request request, Call<T, E> call) throws E {
        return Engine.join(executeAsync(request, InterruptibleTask.on(engine.executor, call)));
      }

      @Override
      <T> CompletableFuture<T> executeAsync(Request request, AsyncCall<T> call) {
        CallAttempt first;
        try {
          first = engine.beginFirst(false, request);
        } catch (RuntimeException e) {
          return CompletableFuture.failedFuture(e);
        }
        Run<T> run = new Run<>(engine, request, call, latencies);
        synchronized (run) {
          run.launch(first);
          run.arm();
        }
        return run.promise;
      }
    };
  }

  private final class Run<T> extends ParallelRun<T> {
    private final Request request;
    private final AsyncCall<T> call;
    private final LatencyPercentile latencies; // null for a fixed delay
    private Request tried;
    private int started;
    private Engine.Timer timer;

    Run(Engine engine, Request request, AsyncCall<T> call, LatencyPercentile latencies) {
      super(engine);
      this.request = request;
      this.call = call;
      this.latencies = latencies;
      this.tried = request;
      promise.whenComplete((r, e) -> disarm());
    }

    // With the lock held.
    void launch(CallAttempt a) {
      started++;
      tried = tried.excluding(a.server());
      launch(a, call, this::onEnd);
    }

    // With the lock held: the timer for the next copy, if one may be sent.
    void arm() {
      if (promise.isDone() || started >= maxAttempts || !Engine.mayCopy(request)) {
        return;
      }
      long delay = latencies != null ? latencies.delayNanos() : delayNanos;
      // A timer that never fires (closed, scheduler shut down) means no hedge: the copies
      // running are the call.
      timer = engine.schedule(this::hedge, delay, () -> { });
    }

    private synchronized void disarm() {
      if (timer != null) {
        timer.cancel();
        timer = null;
      }
    }

    private synchronized void hedge() {
      timer = null;
      if (promise.isDone() || started >= maxAttempts) {
        return;
      }
      if (startNext()) {
        arm();
      }
    }

    /**
     * With the lock held: a copy on a server not tried yet, if there is one and the budget
     * allows an extra attempt (asked only once a server was found).
     */
    private boolean startNext() {
      CallAttempt a = engine.tryBeginCopy(tried, AttemptKind.HEDGE);
      if (a == null) {
        return false; // no other server, or no budget: the copies running are all there is
      }
      launch(a);
      return true;
    }

    private void onEnd(CallAttempt a) {
      if (a.abandoned) {
        synchronized (this) {
          ended++;
          if (lastFailed == null) {
            recordFailure(a);
          }
          if (ended >= started && !promise.isDone()) {
            failWith(lastFailed); // nothing else running: the call stops here, no new copy
          }
        }
        return;
      }
      if (a.outcome.isSuccess()) {
        if (latencies != null) {
          latencies.record(engine.ticker.read() - a.startNanos());
        }
        Engine.settle(a, promise);
        return;
      }
      synchronized (this) {
        ended++;
        recordFailure(a);
        if (ended < started || promise.isDone()) {
          return; // another copy is still running
        }
        if (started < maxAttempts && Engine.mayRepeat(request, a.outcome, false)) {
          disarm();
          if (startNext()) {
            arm();
            return;
          }
        }
        failWith(lastFailed);
      }
    }
  }

  @Override
  public String toString() {
    return Double.isNaN(percentile)
        ? "hedged(" + Duration.ofNanos(delayNanos) + ", maxAttempts=" + maxAttempts + ")"
        : "hedged(p" + percentile * 100 + ", initial " + Duration.ofNanos(delayNanos)
            + ", maxAttempts=" + maxAttempts + ")";
  }

  @Override
  public boolean sendsCopies() {
    return true;
  }
}
