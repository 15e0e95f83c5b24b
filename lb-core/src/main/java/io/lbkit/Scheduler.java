package io.lbkit;

import io.lbkit.internal.Checks;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Where lbkit waits: backoff between retries on the caller's thread ({@link #sleep}), and timers
 * for asynchronous retries, hedges, background fail-back and health evaluations ({@link
 * #schedule}). Tests pass a scheduler driven by a manual ticker so that nothing really sleeps.
 *
 * <p>Threading: both methods may be called from any thread. Scheduled tasks must be cheap and
 * must not block: they start attempts, whose blocking work runs on the balancer's executor.
 */
public interface Scheduler {

  /** Runs {@code task} once after {@code delayNanos} (>= 0); the future cancels it. */
  Future<?> schedule(Runnable task, long delayNanos);

  /** Blocks the calling thread for {@code nanos} (>= 0). */
  void sleep(long nanos) throws InterruptedException;

  /** A scheduler over {@code executor}, sleeping with {@link Thread#sleep}. */
  static Scheduler of(ScheduledExecutorService executor) {
    Checks.notNull(executor, "executor");
    return new Scheduler() {
      @Override
      public Future<?> schedule(Runnable task, long delayNanos) {
        return executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
      }

      @Override
      public void sleep(long nanos) throws InterruptedException {
        TimeUnit.NANOSECONDS.sleep(nanos);
      }

      @Override
      public String toString() {
        return "Scheduler(" + executor + ")";
      }
    };
  }
}
