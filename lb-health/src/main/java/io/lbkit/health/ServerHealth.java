package io.lbkit.health;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.lbkit.Server;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The health state of one server id, carried across pool updates (and kept for the grace period
 * after the server leaves, so a flapping server keeps its ejection history).
 *
 * <p>Threading: the outcome counters are atomics written by any caller. Every other field is
 * written only under the monitor's lock; the volatile ones are read without it by {@link #isUp}
 * and the ramp.
 */
final class ServerHealth {
  final String id;
  final ThroughputWindow throughput;
  final CircuitBreaker breaker; // null when breakers are off

  volatile Server server;

  // Outcomes: any thread.
  final AtomicInteger consecutiveFailures = new AtomicInteger();
  final AtomicLong intervalRequests = new AtomicLong();
  final AtomicLong intervalFailures = new AtomicLong();
  final AtomicLong intervalLatencyNanos = new AtomicLong();
  volatile CircuitBreaker.State lastBreakerState;

  // Passive ejection: under the monitor's lock.
  volatile boolean ejected;
  volatile long ejectedUntil;
  int multiplier;
  EjectionReason reason;

  // Active checks: under the monitor's lock.
  volatile boolean checkHealthy = true;
  int checkPasses;
  int checkFails;
  volatile ScheduledFuture<?> checkTask; // the next check
  volatile int checkGeneration;

  // Slow start: under the monitor's lock, read anywhere.
  volatile boolean ramping;
  volatile long rampStart;

  // Drain.
  volatile boolean drainSeen;
  final AtomicBoolean drainedNotified = new AtomicBoolean();

  ServerHealth(Server server, CircuitBreaker breaker, long windowNanos, long nowNanos) {
    this.id = server.id();
    this.server = server;
    this.breaker = breaker;
    this.throughput = new ThroughputWindow(windowNanos, nowNanos);
    this.lastBreakerState = breaker == null ? null : breaker.getState();
  }

  /** Passively ejected at {@code now}: exact to the nanosecond, whether or not a tick ran. */
  boolean isEjectedAt(long now) {
    return ejected && now < ejectedUntil;
  }

  /** An open breaker admits nothing, so an open server is no candidate, panic or not. */
  boolean breakerBlocks() {
    if (breaker == null) {
      return false;
    }
    CircuitBreaker.State s = breaker.getState();
    return s == CircuitBreaker.State.OPEN || s == CircuitBreaker.State.FORCED_OPEN;
  }

  /** Choosable as far as health goes (weight aside). */
  boolean isUp(long now) {
    return !isEjectedAt(now) && checkHealthy && !breakerBlocks();
  }

  @Override
  public String toString() {
    return "ServerHealth{" + id + (ejected ? " ejected until " + ejectedUntil : "")
        + (checkHealthy ? "" : " check-failed") + (ramping ? " ramping" : "") + '}';
  }
}
