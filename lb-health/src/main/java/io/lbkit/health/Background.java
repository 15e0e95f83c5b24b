package io.lbkit.health;

import io.lbkit.Scheduler;
import io.lbkit.Ticker;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitor's background work: the scheduler (the one given to the monitor's builder, or, on
 * the system ticker only, a single daemon thread created on first use and shut down on {@link
 * #close}), and one pending tick, scheduled for exactly the time the next thing falls due (an
 * interval, an ejection's end, a breaker's wait end, a slow-start step) rather than polling. An
 * earlier due time replaces a later pending tick. Without a scheduler (a custom ticker and none
 * given), nothing is scheduled: ticks come from outcome reports and explicit {@code tick()}s.
 */
final class Background {
  private static final Logger log = LoggerFactory.getLogger(Background.class);
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final Scheduler given;
  private final Ticker ticker;
  private final Runnable tick;
  private final boolean autoTick;
  private ScheduledThreadPoolExecutor ownedExecutor; // guarded by this
  private Scheduler owned; // guarded by this
  private Future<?> pending; // guarded by this
  private long pendingAt; // guarded by this
  private boolean closed; // guarded by this

  Background(Scheduler given, Ticker ticker, Runnable tick) {
    this.given = given;
    // A real-time thread cannot follow a fake clock: with a custom ticker, ticks are scheduled
    // only on a scheduler the user supplies (one that runs on that clock, as tests' do).
    this.autoTick = given != null || ticker == Ticker.system();
    this.ticker = ticker;
    this.tick = tick;
  }

  /**
   * The scheduler to run on; creates the daemon one on first use. After {@link #close()} it
   * rejects, so a check finishing late cannot start a new thread that nothing would stop.
   */
  synchronized Scheduler scheduler() {
    if (given != null) {
      return given;
    }
    if (closed) {
      throw new RejectedExecutionException("the health monitor is closed");
    }
    if (!autoTick) {
      throw new RejectedExecutionException(
          "no scheduler: the monitor's ticker is not the system one and none was given");
    }
    if (owned == null) {
      ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, daemonThreads());
      e.setRemoveOnCancelPolicy(true);
      ownedExecutor = e;
      owned = Scheduler.of(e);
    }
    return owned;
  }

  /** Makes sure a tick runs at {@code dueNanos} (ticker time) or earlier. */
  synchronized void tickBy(long dueNanos) {
    if (!autoTick || closed) {
      return;
    }
    if (pending != null && !pending.isDone() && pendingAt - dueNanos <= 0) {
      return;
    }
    if (pending != null) {
      pending.cancel(false);
    }
    long delay = Math.max(0L, dueNanos - ticker.read());
    pendingAt = dueNanos;
    try {
      pending = scheduler().schedule(this::runTick, delay);
    } catch (RejectedExecutionException e) {
      pending = null;
      log.warn("health scheduler rejected the next evaluation; ticks now run only from outcomes",
          e);
    }
  }

  private void runTick() {
    synchronized (this) {
      pending = null;
      if (closed) {
        return;
      }
    }
    try {
      tick.run();
    } catch (RuntimeException e) {
      log.warn("health evaluation failed", e);
    }
  }

  /** Cancels the pending tick and shuts the owned scheduler down; the user's is left running. */
  void close() {
    ScheduledThreadPoolExecutor toStop;
    synchronized (this) {
      closed = true;
      if (pending != null) {
        pending.cancel(false);
        pending = null;
      }
      toStop = ownedExecutor;
    }
    if (toStop != null) {
      toStop.shutdownNow();
    }
  }

  private static ThreadFactory daemonThreads() {
    ThreadFactory base = Executors.defaultThreadFactory();
    return r -> {
      Thread t = base.newThread(r);
      t.setName("lbkit-health-" + THREADS.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
