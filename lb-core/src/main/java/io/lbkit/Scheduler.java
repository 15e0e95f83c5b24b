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

  /**
   * Runs {@code task} once after {@code delayNanos}, on the scheduler's thread.
   *
   * @param task the work; cheap and non-blocking
   * @param delayNanos the delay, {@code >= 0}
   * @return a future whose {@code cancel} stops the task if it has not run yet
   * @throws java.util.concurrent.RejectedExecutionException if the scheduler takes no more tasks
   *     (shut down); lbkit then treats the timer as one that never fires
   */
  Future<?> schedule(Runnable task, long delayNanos);

  /**
   * Blocks the calling thread for {@code nanos}: a blocking retry's backoff.
   *
   * @param nanos how long, {@code >= 0}
   * @throws InterruptedException if the thread is interrupted while it waits
   */
  void sleep(long nanos) throws InterruptedException;

  /**
   * A scheduler whose timers run on {@code executor} and whose sleeps are real ones.
   *
   * @param executor runs the timers; the scheduler never shuts it down
   * @return the scheduler
   * @throws NullPointerException if {@code executor} is null
   */
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
