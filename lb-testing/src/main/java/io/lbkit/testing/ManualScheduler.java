package io.lbkit.testing;

import io.lbkit.Scheduler;
import io.lbkit.internal.Checks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A deterministic {@link Scheduler} for tests, on a {@link ManualTicker}: one queue for everything
 * lbkit schedules (a balancer's backoff waits and timers, its health monitor's ticks and checks),
 * so one object serves both, as one scheduler serves them in production. Nothing runs by itself:
 * tasks run on the test's thread, in due-time order (ties in scheduling order), when the test calls {@link #runDue()}
 * (what is due at the ticker's now) or {@link #advance} (moves the ticker forward, stopping at
 * each due task). {@link #sleep} advances the ticker the same way, so a blocking backoff costs no
 * wall-clock time.
 *
 * <p>Futures behave as a JDK scheduled task's: done once the task has run (or was cancelled), and
 * a task may still be cancelled while it runs.
 */
public final class ManualScheduler implements Scheduler {
  /** More task runs than this in one call means tasks keep rescheduling themselves for now. */
  private static final int RUNAWAY = 100_000;

  private final ManualTicker ticker;
  // Due times are kept as nanoseconds since this reading, so they order correctly even when the
  // ticker's readings wrap past Long.MAX_VALUE.
  private final long origin;
  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private final List<Long> sleeps = new ArrayList<>();
  private long sequence;
  private boolean shutdown;

  /**
   * A scheduler with nothing queued, on {@code ticker}.
   *
   * @param ticker the clock tasks fall due on; {@link #advance} and {@link #sleep} move it
   */
  public ManualScheduler(ManualTicker ticker) {
    this.ticker = ticker;
    this.origin = ticker.read();
  }

  /** {@return the ticker this scheduler reads and moves} */
  public ManualTicker ticker() {
    return ticker;
  }

  /**
   * Runs every task due at the ticker's now, including ones those tasks schedule for now. The
   * ticker does not move.
   *
   * @return how many tasks ran
   * @throws AssertionError if more than 100 000 tasks run in one call: tasks that keep
   *     rescheduling themselves for now
   */
  public int runDue() {
    return runUntil(elapsed(), false);
  }

  /**
   * Moves time forward by {@code d} (at most 365 days), running every task that falls due on the
   * way, each with the ticker set to its due time, then leaves the ticker at now + {@code d}.
   *
   * @param d how far to move
   * @throws NullPointerException if {@code d} is null
   * @throws IllegalArgumentException if {@code d} is negative or above 365 days
   * @throws AssertionError if more than 100 000 tasks run in one call: tasks that keep
   *     rescheduling themselves
   */
  public void advance(Duration d) {
    runUntil(elapsed() + Checks.nonNegative(d, "d").toNanos(), true);
  }

  private long elapsed() {
    return ticker.read() - origin;
  }

  /** {@return how many tasks are scheduled and have neither run nor been cancelled} */
  public synchronized int pending() {
    int n = 0;
    for (Task t : queue) {
      if (!t.cancelled) {
        n++;
      }
    }
    return n;
  }

  /** {@return the waits asked of {@link #sleep}, in nanoseconds, in order} */
  public synchronized List<Long> sleeps() {
    return List.copyOf(sleeps);
  }

  private int runUntil(long target, boolean moveTicker) {
    int ran = 0;
    for (int guard = 0; ; guard++) {
      Task next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || next.due > target) {
          break;
        }
        queue.poll();
      }
      if (guard == RUNAWAY) {
        throw new AssertionError("runaway tasks in ManualScheduler");
      }
      if (moveTicker && next.due > elapsed()) {
        ticker.set(origin + next.due);
      }
      if (next.run()) {
        ran++;
      }
    }
    if (moveTicker && target > elapsed()) {
      ticker.set(origin + target);
    }
    return ran;
  }

  // ---- failover Scheduler -------------------------------------------------------------------

  /**
   * Queues {@code task} to run when the ticker reaches now + {@code delayNanos}; it runs only
   * inside {@link #runDue()}, {@link #advance} or {@link #sleep}, on the thread that called it.
   *
   * @param task the work
   * @param delayNanos the delay; a negative one counts as 0
   * @return the task's future: {@code cancel} stops it if it has not run, {@code get} is
   *     unsupported
   * @throws java.util.concurrent.RejectedExecutionException after {@link #shutdown()}
   */
  @Override
  public Future<?> schedule(Runnable task, long delayNanos) {
    return enqueue(task, delayNanos);
  }

  /**
   * Records the wait and {@linkplain #advance advances} the ticker by it, running the tasks that
   * fall due meanwhile: a blocking backoff that costs no wall-clock time.
   *
   * @param nanos how long the caller waits
   */
  @Override
  public void sleep(long nanos) {
    synchronized (this) {
      sleeps.add(nanos);
    }
    advance(Duration.ofNanos(nanos));
  }

  /**
   * From now on {@link #schedule} rejects, as a shut-down executor does: for tests of code that
   * must cope with a scheduler that refuses work. Tasks already queued stay queued.
   */
  public synchronized void shutdown() {
    shutdown = true;
  }

  private synchronized Task enqueue(Runnable command, long delayNanos) {
    if (shutdown) {
      throw new RejectedExecutionException("the manual scheduler is shut down");
    }
    long now = elapsed();
    long due = now + Math.max(0, delayNanos);
    Task t = new Task(command, due < now ? Long.MAX_VALUE : due, sequence++); // "never" saturates
    queue.add(t);
    return t;
  }

  private final class Task implements ScheduledFuture<Object> {
    final Runnable body;
    final long due;
    final long seq;
    volatile boolean cancelled;
    volatile boolean done;

    Task(Runnable body, long due, long seq) {
      this.body = body;
      this.due = due;
      this.seq = seq;
    }

    /** Runs the task unless it was cancelled; whether it ran. */
    boolean run() {
      if (cancelled) {
        return false;
      }
      try {
        body.run();
      } finally {
        done = true;
      }
      return true;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(due - elapsed(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
      Task t = (Task) o;
      int c = Long.compare(due, t.due);
      return c != 0 ? c : Long.compare(seq, t.seq);
    }

    @Override
    public boolean cancel(boolean mayInterrupt) {
      if (done) {
        return false;
      }
      cancelled = true;
      return true;
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public boolean isDone() {
      return done || cancelled;
    }

    @Override
    public Object get() {
      throw new UnsupportedOperationException("a test scheduler's future has no value");
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
      throw new UnsupportedOperationException("a test scheduler's future has no value");
    }
  }
}
