package io.lbkit.failover;

import io.lbkit.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A deterministic scheduler for tests: tasks run on the test's thread when the test advances the
 * manual ticker past their due time, in due-time order (ties in scheduling order). {@code sleep}
 * advances the ticker the same way, so a blocking backoff costs no wall-clock time.
 */
final class ManualScheduler implements Scheduler {
  final ManualTicker ticker;
  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private long sequence;
  final List<Long> sleeps = new ArrayList<>();

  ManualScheduler(ManualTicker ticker) {
    this.ticker = ticker;
  }

  @Override
  public synchronized Future<?> schedule(Runnable task, long delayNanos) {
    Task t = new Task(task, ticker.read() + delayNanos, sequence++);
    queue.add(t);
    return t;
  }

  @Override
  public void sleep(long nanos) {
    synchronized (this) {
      sleeps.add(nanos);
    }
    advance(Duration.ofNanos(nanos));
  }

  /** Moves time forward by {@code d}, running every task that falls due on the way. */
  void advance(Duration d) {
    long target = ticker.read() + d.toNanos();
    while (true) {
      Task next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || next.due > target) {
          break;
        }
        queue.poll();
      }
      if (next.due > ticker.read()) {
        ticker.set(next.due);
      }
      next.run();
    }
    if (target > ticker.read()) {
      ticker.set(target);
    }
  }

  /** Tasks scheduled and neither run nor cancelled. */
  synchronized int live() {
    int n = 0;
    for (Task t : queue) {
      if (!t.cancelled) {
        n++;
      }
    }
    return n;
  }

  static final class Task implements Future<Object>, Comparable<Task> {
    private final Runnable task;
    final long due;
    private final long seq;
    volatile boolean cancelled;
    volatile boolean done;

    Task(Runnable task, long due, long seq) {
      this.task = task;
      this.due = due;
      this.seq = seq;
    }

    void run() {
      if (!cancelled) {
        done = true;
        task.run();
      }
    }

    @Override
    public int compareTo(Task o) {
      return due != o.due ? Long.compare(due, o.due) : Long.compare(seq, o.seq);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
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
    public Object get() throws InterruptedException, ExecutionException {
      return null;
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
      return null;
    }
  }
}
