package io.lbkit.health;

import io.lbkit.ManualTicker;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A deterministic scheduler for tests: tasks are queued with a due time on a {@link ManualTicker}
 * and run only by {@link #runDue()}, on the calling thread, in due-time order (ties in submission
 * order). Nothing runs by itself, so a test controls exactly what happens when.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
  private final ManualTicker ticker;
  private final AtomicLong sequence = new AtomicLong();
  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private boolean shutdown;

  ManualScheduler(ManualTicker ticker) {
    this.ticker = ticker;
  }

  /** Runs every task due at the ticker's now, including ones those tasks schedule for now. */
  int runDue() {
    int ran = 0;
    for (int guard = 0; guard < 100_000; guard++) {
      Task t;
      synchronized (this) {
        t = queue.peek();
        if (t == null || t.due > ticker.read()) {
          return ran;
        }
        queue.poll();
      }
      if (!t.isCancelled()) {
        t.body.run();
        t.done = true;
        ran++;
      }
    }
    throw new AssertionError("runaway tasks in ManualScheduler");
  }

  /** Tasks queued and not cancelled. */
  synchronized int pending() {
    int n = 0;
    for (Task t : queue) {
      if (!t.isCancelled()) {
        n++;
      }
    }
    return n;
  }

  @Override
  public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    if (shutdown) {
      throw new java.util.concurrent.RejectedExecutionException("shut down");
    }
    Task t = new Task(command, ticker.read() + unit.toNanos(Math.max(0, delay)),
        sequence.getAndIncrement());
    queue.add(t);
    return t;
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable c, long i, long p, TimeUnit u) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable c, long i, long d, TimeUnit u) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void execute(Runnable command) {
    schedule(command, 0, TimeUnit.NANOSECONDS);
  }

  @Override
  public synchronized void shutdown() {
    shutdown = true;
  }

  @Override
  public synchronized List<Runnable> shutdownNow() {
    shutdown = true;
    List<Runnable> left = new ArrayList<>();
    for (Task t : queue) {
      left.add(t.body);
    }
    queue.clear();
    return left;
  }

  @Override
  public synchronized boolean isShutdown() {
    return shutdown;
  }

  @Override
  public synchronized boolean isTerminated() {
    return shutdown && queue.isEmpty();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return isTerminated();
  }

  @Override
  public <T> List<java.util.concurrent.Future<T>> invokeAll(
      Collection<? extends Callable<T>> tasks) {
    throw new UnsupportedOperationException();
  }

  private final class Task implements ScheduledFuture<Object>, Comparable<Delayed> {
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

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(due - ticker.read(), TimeUnit.NANOSECONDS);
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
      throw new UnsupportedOperationException();
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
      throw new UnsupportedOperationException();
    }
  }
}
