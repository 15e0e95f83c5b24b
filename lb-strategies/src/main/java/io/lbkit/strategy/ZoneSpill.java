package io.lbkit.strategy;

import io.lbkit.spi.Candidates;
import io.lbkit.spi.ServerLoad;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The spill state of one zone-aware strategy with {@link ZoneSpillover}: the timer that asks the
 * selectors to rebuild every period, and the spill fraction each rebuild reads. The fraction moves
 * only in {@link #evaluate}, once per period (rebuilds for other reasons in between reuse it), on
 * the write path.
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
 * <p>Threading: {@link #add}, {@link #remove} and the timer may run on any thread; {@link
 * #evaluate} runs on a selector's write path. Both are synchronised on this object.
 */
final class ZoneSpill {
  private final ZoneSpillover config;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final AtomicBoolean due = new AtomicBoolean();
  private final Side local = new Side();
  private final Side others = new Side();
  private Future<?> timer; // guarded by this
  private double spill; // guarded by this

  ZoneSpill(ZoneSpillover config) {
    this.config = config;
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
    }
    due.set(true);
    for (Runnable l : listeners) {
      try {
        l.run();
      } catch (RuntimeException e) {
        // a selector's listener only marks it dirty; one that throws must not stop the others
      }
    }
  }

  /** {@return the current spill, in [0, maxSpill]} */
  synchronized double spill() {
    return spill;
  }

  /**
   * Moves the spill by the rule of {@link ZoneSpillover} when an evaluation is due, and returns
   * it; otherwise returns it unchanged.
   */
  synchronized double evaluate(Candidates localCandidates, Candidates otherCandidates) {
    if (!due.getAndSet(false)) {
      local.see(localCandidates); // a server counts from the first picker built with it
      others.see(otherCandidates);
      return spill;
    }
    others.measure(otherCandidates, config.minCalls());
    if (!local.measure(localCandidates, config.minCalls())) {
      return spill; // too few local calls this period: no new evidence, so the spill holds
    }
    boolean latencyKnown = local.measured && others.measured && others.latency > 0;
    double ratio = latencyKnown ? local.latency / others.latency : 1.0;
    double excessErrors = local.measured
        ? local.errorRate - (others.measured ? others.errorRate : 0.0) : 0.0;
    boolean degraded = ratio > config.latencyRatio() || excessErrors > config.errorMargin();
    boolean recovered = ratio <= config.recoveryRatio()
        && excessErrors <= config.errorMargin() / 2;
    if (degraded) {
      spill = Math.min(config.maxSpill(), spill + config.step());
    } else if (recovered) {
      spill = Math.max(0.0, spill - config.step());
    }
    return spill;
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
