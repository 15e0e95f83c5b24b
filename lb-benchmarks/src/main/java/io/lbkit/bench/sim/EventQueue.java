package io.lbkit.bench.sim;

import io.lbkit.testing.ManualTicker;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.PriorityQueue;

/**
 * The discrete-event clock: actions ordered by virtual time, ties broken by the order in which
 * they were scheduled, so a run never depends on heap internals and is exactly repeatable.
 *
 * <p>Running an event first moves the {@link ManualTicker} to its time, so everything lbkit reads
 * (latencies, EWMA decay, ejection timers) sees virtual time. Single-threaded: one queue per run.
 *
 * <p>Why lanes: most events of a run are scheduled a fixed delay ahead (attempt timeouts, refused
 * connections). Scheduled from a clock that never goes back, such events arrive already in time
 * order, so a FIFO per fixed delay holds them at O(1) instead of the heap's O(log n); the next
 * event is the least (time, sequence) of the heap's head and the lanes' heads. The order is the
 * same as with the heap alone.
 */
public final class EventQueue {
  private final PriorityQueue<Event> heap = new PriorityQueue<>();
  private final ManualTicker ticker;
  private long[] laneDelays = new long[0];
  private ArrayDeque<Event>[] lanes = newLanes(0);
  private long sequence;
  private long processed;

  public EventQueue(ManualTicker ticker) {
    this.ticker = ticker;
  }

  @SuppressWarnings("unchecked")
  private static ArrayDeque<Event>[] newLanes(int n) {
    return (ArrayDeque<Event>[]) new ArrayDeque<?>[n];
  }

  /** Declares that many events will be scheduled exactly {@code delayNanos} ahead (an optimisation only). */
  public void addLane(long delayNanos) {
    for (long d : laneDelays) {
      if (d == delayNanos) {
        return;
      }
    }
    int n = laneDelays.length;
    laneDelays = Arrays.copyOf(laneDelays, n + 1);
    laneDelays[n] = delayNanos;
    lanes = Arrays.copyOf(lanes, n + 1);
    lanes[n] = new ArrayDeque<>();
  }

  /** Virtual now, in nanoseconds. */
  public long now() {
    return ticker.read();
  }

  /** Runs {@code action} at virtual time {@code atNanos} (not earlier than now). */
  public void at(long atNanos, Runnable action) {
    long now = ticker.read();
    if (atNanos < now) {
      throw new IllegalArgumentException("atNanos: " + atNanos + " (expected: >= now " + now
          + ")");
    }
    long delay = atNanos - now;
    Event e = new Event(atNanos, sequence++, action);
    for (int i = 0; i < laneDelays.length; i++) {
      if (laneDelays[i] == delay) {
        lanes[i].add(e);
        return;
      }
    }
    heap.add(e);
  }

  /** Runs {@code action} {@code delayNanos} (>= 0) from now. */
  public void after(long delayNanos, Runnable action) {
    at(ticker.read() + delayNanos, action);
  }

  /** Runs events in order until none is left; returns how many ran in total. */
  public long runAll() {
    Event e;
    while ((e = poll()) != null) {
      long now = ticker.read();
      if (e.time > now) {
        ticker.advanceNanos(e.time - now);
      }
      processed++;
      e.action.run();
    }
    return processed;
  }

  private Event poll() {
    Event best = heap.peek();
    int from = -1;
    for (int i = 0; i < lanes.length; i++) {
      Event head = lanes[i].peek();
      if (head != null && (best == null || head.compareTo(best) < 0)) {
        best = head;
        from = i;
      }
    }
    if (best != null) {
      if (from < 0) {
        heap.poll();
      } else {
        lanes[from].poll();
      }
    }
    return best;
  }

  public int pending() {
    int n = heap.size();
    for (ArrayDeque<Event> lane : lanes) {
      n += lane.size();
    }
    return n;
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
