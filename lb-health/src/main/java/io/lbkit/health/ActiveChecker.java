package io.lbkit.health;

import io.lbkit.RandomSource;
import io.lbkit.Scheduler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the user's {@link HealthCheck} for each pool member on the scheduler: one check at a time
 * per server, the next one {@code interval + random(0, jitter)} after the previous one settled,
 * the first one at a random point of the first interval so that checks of many servers (and many
 * clients) do not align.
 *
 * <p>A check settles exactly once: with its answer, or as failed when it throws, completes
 * exceptionally, answers null, or is still running at the timeout (a task on the same scheduler,
 * so a fake scheduler drives it too; the hanging stage is then cancelled if it can be). Whatever
 * happens, the next check is scheduled: a broken check never stops the checker.
 *
 * <p>Threading: {@link #start} and {@link #stop} run under the monitor's lock; the checks, their
 * callbacks and the timeouts run on the scheduler or the check's completing thread.
 */
final class ActiveChecker {
  private static final Logger log = LoggerFactory.getLogger(ActiveChecker.class);

  /** Where a settled check goes. */
  interface Sink {
    void onCheckResult(ServerHealth h, int generation, boolean healthy, Throwable cause);
  }

  private final HealthCheck check;
  private final Supplier<Scheduler> scheduler;
  private final RandomSource random;
  private final Sink sink;
  private final long intervalNanos;
  private final long timeoutNanos;
  private final long jitterNanos;
  private volatile boolean closed;

  ActiveChecker(ActiveChecks config, Supplier<Scheduler> scheduler, RandomSource random,
      Sink sink) {
    this.check = config.check();
    this.scheduler = scheduler;
    this.random = random;
    this.sink = sink;
    this.intervalNanos = config.interval().toNanos();
    this.timeoutNanos = config.timeout().toNanos();
    this.jitterNanos = config.jitter().toNanos();
  }

  /** Starts checking {@code h} (a new generation, so callbacks of an older one are ignored). */
  void start(ServerHealth h) {
    stop(h);
    int gen = h.checkGeneration;
    long first = (long) (random.nextDouble() * intervalNanos);
    h.checkTask = schedule(() -> run(h, gen), first);
  }

  /** Stops checking {@code h}; a check in flight settles into nothing. */
  void stop(ServerHealth h) {
    h.checkGeneration++;
    Future<?> f = h.checkTask;
    h.checkTask = null;
    if (f != null) {
      f.cancel(false);
    }
  }

  void close() {
    closed = true;
  }

  private void run(ServerHealth h, int gen) {
    if (closed || h.checkGeneration != gen) {
      return;
    }
    AtomicBoolean settled = new AtomicBoolean();
    CompletionStage<?>[] running = new CompletionStage<?>[1];
    Future<?> timeout = schedule(() -> {
      if (settle(h, gen, settled, false,
          new TimeoutException("health check timed out after " + timeoutNanos + " ns"))) {
        cancelQuietly(running[0]);
      }
    }, timeoutNanos);
    CompletionStage<Boolean> stage;
    try {
      stage = check.check(h.server);
      if (stage == null) {
        throw new NullPointerException("health check returned null (expected: a stage)");
      }
    } catch (RuntimeException e) {
      log.warn("health check of {} threw; counted as a failed check", h.id, e);
      cancelQuietly(timeout);
      settle(h, gen, settled, false, e);
      return;
    }
    running[0] = stage;
    stage.whenComplete((ok, error) -> {
      cancelQuietly(timeout);
      settle(h, gen, settled, error == null && Boolean.TRUE.equals(ok), error);
    });
  }

  /** Reports one settled check and schedules the next; returns false if already settled. */
  private boolean settle(ServerHealth h, int gen, AtomicBoolean settled, boolean healthy,
      Throwable cause) {
    if (!settled.compareAndSet(false, true)) {
      return false;
    }
    try {
      sink.onCheckResult(h, gen, healthy, cause);
    } catch (RuntimeException e) {
      log.warn("handling the health check result of {} failed", h.id, e);
    } finally {
      if (!closed && h.checkGeneration == gen) {
        long jitter = jitterNanos == 0 ? 0 : (long) (random.nextDouble() * jitterNanos);
        h.checkTask = schedule(() -> run(h, gen), intervalNanos + jitter);
      }
    }
    return true;
  }

  private Future<?> schedule(Runnable task, long delayNanos) {
    if (closed) {
      return null;
    }
    try {
      return scheduler.get().schedule(() -> {
        try {
          task.run();
        } catch (RuntimeException e) {
          log.warn("health check task failed", e);
        }
      }, delayNanos);
    } catch (RejectedExecutionException e) {
      if (!closed) {
        log.warn("health check scheduler rejected a check; checks stop", e);
      }
      return null;
    }
  }

  private static void cancelQuietly(Object f) {
    try {
      if (f instanceof Future) {
        ((Future<?>) f).cancel(false);
      } else if (f instanceof CompletionStage) {
        CompletableFuture<?> cf = ((CompletionStage<?>) f).toCompletableFuture();
        cf.cancel(true);
      }
    } catch (RuntimeException e) {
      // A stage that cannot be converted or cancelled is left to finish on its own.
    }
  }
}
