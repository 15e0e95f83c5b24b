package io.lbkit.health;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.lbkit.ServerPool;
import io.lbkit.spi.ServerMetrics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The monitor's clock-driven work, done by {@link #run} for one instant under the monitor's lock:
 * ends ejections (exactly at their end time: the ramp of the restored server starts then, not at
 * the tick), moves OPEN breakers whose wait is over to HALF_OPEN, steps and ends slow starts,
 * runs the interval evaluation when an interval has passed, releases departed state. It also
 * works out when the next of these falls due, so the monitor can schedule exactly one tick then.
 * The decisions are the policies' ({@link Ejector}, {@link SlowStart}); the transitions are
 * {@link ServerHealth}'s; this class only keeps the interval's time.
 *
 * <p>Panic reaches the breakers too. Panic mode lets ejected servers back into the candidates,
 * but an OPEN breaker admits no call at all, so breakers alone could still refuse every server of
 * a pool for a whole open wait (resilience4j's default: 60 s) after the servers had recovered, or
 * cascade over a pool that was only overloaded (a hot key moving from one opened server to the
 * next), with nothing like max-ejection-percent to stop them. So while in panic, an OPEN breaker
 * is moved to HALF_OPEN {@link #PANIC_PROBE_NANOS} after it opened: its few probe calls decide,
 * as they would at the end of the wait, and a failing server goes straight back to OPEN.
 */
final class Clockwork {
  /** In panic, how long after opening a breaker gets its probes instead of its whole wait. */
  static final long PANIC_PROBE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  /**
   * When a breaker is still OPEN at the end of its wait as computed from its config (a breaker
   * taken from the registry with its own clock), how long until it is asked again.
   */
  static final long BREAKER_RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /** Publishes what the monitor observed of a breaker; returns whether candidates changed. */
  interface BreakerObserver {
    boolean observe(ServerHealth h, long now);
  }

  private final Map<String, ServerHealth> states;
  private final ServerPool pool;
  private final HealthConfig config;
  private final Ejector ejector;
  private final HealthEvents events;
  private final Membership membership;
  private final LoadMetrics load;
  private final BreakerObserver breakers;
  private final long intervalNanos;
  private long nextIntervalNanos;
  private long lastEvaluationNanos;
  // The earliest due time found by the run in progress; none yet while !anyDue. A flag, not a
  // Long.MAX_VALUE "never": near the wrap that would read as a time already past.
  private boolean anyDue;
  private long due;

  Clockwork(Map<String, ServerHealth> states, ServerPool pool, HealthConfig config,
      Ejector ejector, HealthEvents events, Membership membership, LoadMetrics load,
      BreakerObserver breakers, long nowNanos) {
    this.states = states;
    this.pool = pool;
    this.config = config;
    this.ejector = ejector;
    this.events = events;
    this.membership = membership;
    this.load = load;
    this.breakers = breakers;
    this.intervalNanos = config.interval.toNanos();
    this.nextIntervalNanos = nowNanos + intervalNanos;
    this.lastEvaluationNanos = nowNanos;
  }

  long nextIntervalNanos() {
    return nextIntervalNanos;
  }

  /** Makes the interval evaluation due at {@code now}. */
  void intervalDueAt(long now) {
    nextIntervalNanos = now;
  }

  /**
   * Does what is due at {@code now}.
   *
   * @param panic whether the last candidates were compiled in panic
   * @param changed set to true when the candidates would now differ
   * @return the ticker time at which something next falls due
   */
  long run(long now, boolean panic, boolean[] changed) {
    anyDue = false;
    SlowStart slowStart = config.slowStart;
    for (ServerHealth h : states.values()) {
      ServerHealth.Change end = h.endEjectionIfDue(now, slowStart);
      changed[0] |= end.changed();
      if (end == ServerHealth.Change.RESTORED) {
        events.restored(h.server);
      }
      if (h.breaker != null && h.breakerState == CircuitBreaker.State.OPEN) {
        moveOpenBreaker(h, now, panic, changed);
      }
      if (h.stepRamp(now, slowStart).changed()) {
        changed[0] = true; // a slow-start step, or its end
        if (h.isRamping()) {
          dueAt(now + slowStart.stepNanos());
        }
      }
    }
    if (now - nextIntervalNanos >= 0) {
      changed[0] |= evaluate(states.values(), now);
      nextIntervalNanos += intervalNanos;
      if (nextIntervalNanos - now <= 0) {
        nextIntervalNanos = now + intervalNanos;
      }
    }
    for (ServerHealth h : states.values()) {
      if (h.isEjected()) {
        dueAt(h.ejectedUntil());
      }
    }
    membership.release(pool.snapshot());
    dueAt(nextIntervalNanos); // always something due: the next interval
    return due;
  }

  private void dueAt(long at) {
    if (!anyDue || at - due < 0) {
      due = at;
      anyDue = true;
    }
  }

  /** The earlier of two ticker readings, by their difference (System.nanoTime's rule). */
  static long earlier(long a, long b) {
    return a - b <= 0 ? a : b;
  }

  /** The later of two ticker readings, by their difference. */
  static long later(long a, long b) {
    return a - b >= 0 ? a : b;
  }

  /**
   * An OPEN breaker at {@code now}: moved on if its wait is over (or, in panic, its short wait),
   * else left for the tick due at its time.
   */
  private void moveOpenBreaker(ServerHealth h, long now, boolean panic, boolean[] changed) {
    long panicAt = h.breakerOpenedAt + PANIC_PROBE_NANOS;
    if (panic && now - panicAt >= 0) {
      try {
        h.breaker.transitionToHalfOpenState();
      } catch (RuntimeException e) {
        // moved on concurrently (a call took it half-open): the observation below sees where
      }
    } else if (now - h.breakerHalfOpenAt >= 0) {
      // Asking an OPEN breaker moves it to HALF_OPEN once its wait is over, taking one probe
      // permit; give that permit straight back: the probes belong to chosen calls.
      if (h.breaker.tryAcquirePermission()) {
        h.breaker.releasePermission();
      }
    }
    changed[0] |= breakers.observe(h, now);
    if (h.breakerState != CircuitBreaker.State.OPEN) {
      return;
    }
    if (now - h.breakerHalfOpenAt >= 0) {
      h.breakerHalfOpenAt = now + BREAKER_RECHECK_NANOS;
    }
    dueAt(panic ? earlier(h.breakerHalfOpenAt, later(panicAt, now + 1)) : h.breakerHalfOpenAt);
  }

  /**
   * The interval's evaluation: each server's calls since the previous one, the multiplier decay
   * of servers not ejected, then the outliers the policy finds, ejected in its order while the
   * max-ejection-percent allows.
   */
  private boolean evaluate(Collection<ServerHealth> members, long now) {
    List<Ejector.Sample> samples = new ArrayList<>(members.size());
    for (ServerHealth h : members) {
      Ejector.Sample s = h.takeInterval(load.ifPresent(h.id));
      if (h.isEjectedAt(now)) {
        continue;
      }
      h.intervalPassed(now, lastEvaluationNanos);
      if (s != null && h.server.weight() > 0) {
        samples.add(s);
      }
    }
    lastEvaluationNanos = now;
    boolean any = false;
    ToDoubleFunction<Ejector.Sample> ewma = s -> {
      ServerMetrics m = load.ifPresent(s.health.id);
      return m == null ? 0.0 : m.ewmaLatencyNanos(now);
    };
    for (Ejector.Outlier o : ejector.outliers(samples, ewma)) {
      if (!o.health().isEjectedAt(now) && ejector.mayEject(members, now)
          && o.health().eject(o.reason(), now, ejector) == ServerHealth.Change.EJECTED) {
        events.ejected(o.health().server, o.reason(),
            java.time.Duration.ofNanos(o.health().ejectedUntil() - now));
        any = true;
      }
    }
    return any;
  }
}
