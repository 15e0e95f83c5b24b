package io.lbkit.strategy;

import io.lbkit.spi.Candidates;
import io.lbkit.spi.ServerLoad;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;

/**
 * Measured spillover for one zone-aware strategy with {@link ZoneSpillover}: the timer that asks
 * the selectors to rebuild every period, and, per selector, the spill fraction its rebuilds read
 * ({@link State}, carried from picker to picker). A selector's fraction moves only in {@link
 * #evaluate}, at its first rebuild after each period (rebuilds for other reasons in between reuse
 * it), on its write path, from its own calls: selectors that share the strategy (one instance for
 * two services, say) never measure each other's servers.
 *
 * <pre>
 * Measuring a side (the local zone, the other zones): the change of its candidates' counters
 * (calls, failures, latency sum) since its last measurement. A side with fewer than minCalls
 * calls since then keeps accumulating, and its last measurement stands, so a side that gets only
 * the probe share is still measured, over a longer window. Mean latency, not the peak EWMA: the
 * peak EWMA of a server grows with the number of samples it sees (more draws, higher peaks held
 * for tau), so a busy local zone would look slower than a lightly probed one with the same
 * service times (measured in the simulator: a healthy local zone spilled 10-20% that way).
 * </pre>
 *
 * <p>Threading: {@link #add}, {@link #remove} and the timer may run on any thread, synchronised on
 * this object; {@link #evaluate} runs on the write path of the selector whose state it is given.
 */
final class ZoneSpill {
  private final ZoneSpillover config;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private volatile long periods; // timer runs so far; each one makes every state's evaluation due
  private Future<?> timer; // guarded by this

  ZoneSpill(ZoneSpillover config) {
    this.config = config;
  }

  /** {@return the spill state of a selector's first picker: no spill, nothing measured yet} */
  State newState() {
    return new State(periods);
  }

  void add(Runnable listener) {
    listeners.add(listener);
    synchronized (this) {
      if (timer == null) {
        schedule();
      }
    }
  }

  void remove(Runnable listener) {
    listeners.remove(listener);
    synchronized (this) {
      if (listeners.isEmpty() && timer != null) {
        timer.cancel(false);
        timer = null;
      }
    }
  }

  /** Guarded by this. */
  private void schedule() {
    try {
      timer = config.scheduler().schedule(this::tick, config.periodNanos());
    } catch (RejectedExecutionException e) {
      timer = null; // a scheduler shut down: the spill stays where it is, as Scheduler documents
    }
  }

  private void tick() {
    synchronized (this) {
      if (listeners.isEmpty()) {
        timer = null;
        return;
      }
      schedule();
      periods++;
    }
    for (Runnable l : listeners) {
      try {
        l.run();
      } catch (RuntimeException e) {
        // a selector's listener only marks it dirty; one that throws must not stop the others
      }
    }
  }

  /**
   * Moves {@code state}'s spill by the rule of {@link ZoneSpillover} when a period has passed since
   * its last evaluation, and returns it; otherwise returns it unchanged.
   */
  double evaluate(State state, Candidates localCandidates, Candidates otherCandidates) {
    long p = periods;
    if (state.evaluatedAt == p) {
      state.local.see(localCandidates); // a server counts from the first picker built with it
      state.others.see(otherCandidates);
      return state.spill;
    }
    state.evaluatedAt = p;
    Side local = state.local;
    Side others = state.others;
    others.measure(otherCandidates, config.minCalls());
    if (!local.measure(localCandidates, config.minCalls())) {
      return state.spill; // too few local calls this period: no new evidence, so the spill holds
    }
    boolean latencyKnown = local.measured && others.measured && others.latency > 0;
    double ratio = latencyKnown ? local.latency / others.latency : 1.0;
    double excessErrors = local.measured
        ? local.errorRate - (others.measured ? others.errorRate : 0.0) : 0.0;
    boolean degraded = ratio > config.latencyRatio() || excessErrors > config.errorMargin();
    boolean recovered = ratio <= config.recoveryRatio()
        && excessErrors <= config.errorMargin() / 2;
    if (degraded) {
      state.spill = Math.min(config.maxSpill(), state.spill + config.step());
    } else if (recovered) {
      state.spill = Math.max(0.0, state.spill - config.step());
    }
    return state.spill;
  }

  /**
   * One selector's spill: the fraction, both sides' measurements, and the period it was last
   * evaluated in. Handed from picker to picker on that selector's write path, so unshared.
   */
  static final class State {
    private final Side local = new Side();
    private final Side others = new Side();
    private long evaluatedAt;
    private double spill;

    private State(long evaluatedAt) {
      this.evaluatedAt = evaluatedAt; // a new selector measures a whole period before it moves
    }
  }

  /** One side's counters at its last measurement, and that measurement. */
  private static final class Side {
    /** Per load: calls, failures, latency sum at the last measurement (or when first seen). */
    private Map<ServerLoad, long[]> baseline = new IdentityHashMap<>();
    boolean measured;
    double latency; // mean, nanoseconds
    double errorRate;

    void see(Candidates c) {
      for (int i = 0; i < c.size(); i++) {
        ServerLoad load = c.load(i);
        if (!baseline.containsKey(load)) {
          baseline.put(load, new long[] {load.requests(), load.failures(),
              load.latencySumNanos()});
        }
      }
    }

    /** Measures the calls since the last measurement; false, accumulating, below minCalls. */
    boolean measure(Candidates c, int minCalls) {
      Map<ServerLoad, long[]> now = new IdentityHashMap<>();
      long calls = 0;
      long failures = 0;
      long latencySum = 0;
      for (int i = 0; i < c.size(); i++) {
        ServerLoad load = c.load(i);
        long[] current = {load.requests(), load.failures(), load.latencySumNanos()};
        now.put(load, current);
        long[] before = baseline.get(load);
        if (before != null && current[0] >= before[0]) { // a new server counts from first sight
          calls += current[0] - before[0];
          failures += Math.max(0L, current[1] - before[1]);
          latencySum += Math.max(0L, current[2] - before[2]);
        }
      }
      if (calls >= minCalls) {
        measured = true;
        latency = (double) latencySum / calls;
        errorRate = (double) failures / calls;
        baseline = now;
        return true;
      }
      for (Map.Entry<ServerLoad, long[]> e : now.entrySet()) {
        baseline.putIfAbsent(e.getKey(), e.getValue()); // keep accumulating from the old ones
      }
      baseline.keySet().retainAll(now.keySet()); // servers gone: their counters with them
      return false;
    }
  }
}
