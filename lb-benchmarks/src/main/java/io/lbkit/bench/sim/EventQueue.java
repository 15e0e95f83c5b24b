package io.lbkit.bench.sim;

import io.lbkit.ManualTicker;
import java.util.PriorityQueue;

/**
 * The discrete-event clock: actions ordered by virtual time, ties broken by the order in which
 * they were scheduled, so a run never depends on heap internals and is exactly repeatable.
 *
 * <p>Running an event first moves the {@link ManualTicker} to its time, so everything lbkit reads
 * (latencies, EWMA decay, ejection timers) sees virtual time. Single-threaded: one queue per run.
 */
public final class EventQueue {
  private final PriorityQueue<Event> queue = new PriorityQueue<>();
  private final ManualTicker ticker;
  private long sequence;
  private long processed;

  public EventQueue(ManualTicker ticker) {
    this.ticker = ticker;
  }

  /** Virtual now, in nanoseconds. */
  public long now() {
    return ticker.read();
  }

  /** Runs {@code action} at virtual time {@code atNanos} (not earlier than now). */
  public void at(long atNanos, Runnable action) {
    if (atNanos < ticker.read()) {
      throw new IllegalArgumentException("atNanos: " + atNanos + " (expected: >= now "
          + ticker.read() + ")");
    }
    queue.add(new Event(atNanos, sequence++, action));
  }

  /** Runs {@code action} {@code delayNanos} (>= 0) from now. */
  public void after(long delayNanos, Runnable action) {
    at(ticker.read() + delayNanos, action);
  }

  /** Runs events in order until none is left; returns how many ran. */
  public long runAll() {
    Event e;
    while ((e = queue.poll()) != null) {
      if (e.time > ticker.read()) {
        ticker.set(e.time);
      }
      processed++;
      e.action.run();
    }
    return processed;
  }

  public int pending() {
    return queue.size();
  }

  /** Events run so far. */
  public long processed() {
    return processed;
  }

  private static final class Event implements Comparable<Event> {
    final long time;
    final long seq;
    final Runnable action;

    Event(long time, long seq, Runnable action) {
      this.time = time;
      this.seq = seq;
      this.action = action;
    }

    @Override
    public int compareTo(Event o) {
      int c = Long.compare(time, o.time);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}
