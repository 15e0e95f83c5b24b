package io.lbkit.health;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitor's clock-driven work, done by {@link #run} for one instant under the monitor's lock:
 * ends ejections (exactly at their end time: the ramp of the restored server starts then, not at
 * the tick), moves OPEN breakers whose wait is over to HALF_OPEN, steps and ends slow starts,
 * runs the interval evaluation when an interval has passed, releases departed state. It also
 * works out when the next of these falls due, so the monitor can schedule exactly one tick then.
 *
 * <p>Panic reaches the breakers too. Panic mode (fewer than the panic threshold of the pool's
 * servers up) lets ejected servers back into the candidates, but an OPEN breaker admits no call
 * at all, so breakers alone could still refuse every server of a pool for a whole open wait
 * (resilience4j's default: 60 s) after the servers had recovered, or cascade over a pool that
 * was only overloaded (a hot key moving from one opened server to the next), with nothing like
 * max-ejection-percent to stop them. So while in panic, an OPEN breaker is moved to HALF_OPEN at
 * once: its few probe calls decide, as they would at the end of the wait, and a failing server
 * goes straight back to OPEN.
 */
final class Clockwork {
  private static final Logger log = LoggerFactory.getLogger(HealthMonitor.class);
  /** How often an OPEN breaker is asked whether its wait has ended. */
  static final long BREAKER_PROBE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final Map<String, ServerHealth> states;
  private final ServerPool pool;
  private final Ejector ejector;
  private final SlowStart slowStart;
  private final HealthEvents events;
  private final Membership membership;
  private final ToDoubleFunction<ServerHealth> ewma;
  private final long intervalNanos;
  private final double panicThresholdPercent;
  private long nextIntervalNanos;

  Clockwork(Map<String, ServerHealth> states, ServerPool pool, Ejector ejector,
      SlowStart slowStart, HealthEvents events, Membership membership,
      ToDoubleFunction<ServerHealth> ewma, long intervalNanos, double panicThresholdPercent,
      long nowNanos) {
    this.states = states;
    this.pool = pool;
    this.ejector = ejector;
    this.slowStart = slowStart;
    this.events = events;
    this.membership = membership;
    this.ewma = ewma;
    this.intervalNanos = intervalNanos;
    this.panicThresholdPercent = panicThresholdPercent;
    this.nextIntervalNanos = nowNanos + intervalNanos;
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
   * @return the ticker time at which something next falls due
   * @param changed set to true when the candidates would now differ
   */
  long run(long now, boolean[] changed) {
    long due = Long.MAX_VALUE;
    boolean panic = panicking(now);
    for (ServerHealth h : states.values()) {
      if (h.ejected && now >= h.ejectedUntil) {
        h.ejected = false;
        changed[0] = true;
        if (h.checkHealthy) {
          restore(h, h.ejectedUntil);
        }
      }
      if (h.breaker != null && h.lastBreakerState == CircuitBreaker.State.OPEN) {
        // Asking an OPEN breaker moves it to HALF_OPEN once its wait is over, taking one probe
        // permit; give that permit straight back: the probes belong to chosen calls.
        if (panic) {
          h.breaker.transitionToHalfOpenState();
        } else if (h.breaker.tryAcquirePermission()) {
          h.breaker.releasePermission();
        }
        CircuitBreaker.State s = h.breaker.getState();
        if (s != h.lastBreakerState) {
          log.info("circuit breaker of {}: {} -> {}", h.id, h.lastBreakerState, s);
          h.lastBreakerState = s;
          changed[0] = true;
        } else {
          due = Math.min(due, now + BREAKER_PROBE_NANOS);
        }
      }
      if (h.ramping) {
        changed[0] = true; // a slow-start step, or its end
        if (slowStart.isRamping(h, now)) {
          due = Math.min(due, now + slowStart.stepNanos());
        } else {
          h.ramping = false;
        }
      }
    }
    if (now >= nextIntervalNanos) {
      changed[0] |= ejector.evaluate(states.values(), now, ewma);
      nextIntervalNanos += intervalNanos;
      if (nextIntervalNanos <= now) {
        nextIntervalNanos = now + intervalNanos;
      }
    }
    for (ServerHealth h : states.values()) {
      if (h.ejected) {
        due = Math.min(due, h.ejectedUntil);
      }
    }
    membership.release(pool.snapshot());
    return Math.min(due, nextIntervalNanos);
  }

  /** Whether fewer than the panic threshold of the pool's weighted servers are up at {@code now}. */
  private boolean panicking(long now) {
    if (panicThresholdPercent <= 0) {
      return false;
    }
    int total = 0;
    int up = 0;
    for (Server s : pool.snapshot().servers()) {
      if (s.weight() > 0) {
        total++;
        ServerHealth h = states.get(s.id());
        if (h == null || h.isUp(now)) {
          up++;
        }
      }
    }
    return total > 0 && up * 100.0 < panicThresholdPercent * total;
  }

  /** Back in rotation from {@code at} on, ramping up. */
  void restore(ServerHealth h, long at) {
    h.checkPasses = 0;
    slowStart.begin(h, at);
    events.restored(h.server);
  }
}
