package io.lbkit.health;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.lbkit.Ticker;
import java.util.concurrent.TimeUnit;

/**
 * The per-server circuit breakers, named by server id, in one {@link CircuitBreakerRegistry}: the
 * application's (so that resilience4j-micrometer or its own code sees them) or one of the
 * monitor's own. From the configured {@link CircuitBreakerConfig} the monitor derives one whose
 * clock and timestamps read the monitor's ticker, so the OPEN wait ends on the monitor's time, and
 * whose automatic OPEN-to-HALF_OPEN transition is off (it would start a resilience4j thread; the
 * monitor schedules that move itself, at the wait's end). A breaker the registry already holds
 * under a server's id is used as it is, clock included.
 */
final class Breakers {
  private final CircuitBreakerRegistry registry;
  private final CircuitBreakerConfig breakerConfig; // null when breakers are off
  // Whether a server's breaker is made only when first needed. Only on the monitor's own
  // registry, which nobody sees before asking for it (then every server gets its breaker), and
  // for a count-based window, where the successes before the first failure can be replayed
  // exactly (a time-based window would need their times).
  private volatile boolean later;
  private final long slowNanos;
  private final int window;

  Breakers(HealthConfig config, CircuitBreakerRegistry given, Ticker ticker) {
    this.breakerConfig = config.circuitBreaker == null ? null
        : CircuitBreakerConfig.from(config.circuitBreaker)
            .clock(new TickerClock(ticker))
            .currentTimestampFunction(clock -> ticker.read(), TimeUnit.NANOSECONDS)
            .automaticTransitionFromOpenToHalfOpenEnabled(false)
            .build();
    this.registry = given != null ? given
        : breakerConfig != null ? CircuitBreakerRegistry.of(breakerConfig)
            : CircuitBreakerRegistry.ofDefaults();
    this.later = given == null && breakerConfig != null
        && breakerConfig.getSlidingWindowType() == SlidingWindowType.COUNT_BASED;
    this.slowNanos = breakerConfig == null ? 0L
        : breakerConfig.getSlowCallDurationThreshold().toNanos();
    this.window = breakerConfig == null ? 0 : breakerConfig.getSlidingWindowSize();
  }

  CircuitBreakerRegistry registry() {
    return registry;
  }

  /** From now on every server's breaker is made when it joins (the registry is being shown). */
  void makeEveryBreaker() {
    later = false;
  }

  /** Whether a server joining now gets its breaker later, when first needed. */
  boolean later() {
    return later;
  }

  /** The breaker for {@code serverId} now, or null when breakers are off or it comes later. */
  CircuitBreaker forServer(String serverId) {
    return breakerConfig == null || later ? null
        : registry.circuitBreaker(serverId, breakerConfig);
  }

  /**
   * Where a success that took {@code nanos} goes: null when breakers are off or when it was
   * counted for a breaker still to be made, else the breaker to record it in (made now if the
   * call was slow, which a breaker must see as such).
   */
  CircuitBreaker forSuccess(ServerHealth h, long nanos) {
    CircuitBreaker b = h.breaker;
    if (b != null || breakerConfig == null) {
      return b;
    }
    return nanos < slowNanos && h.countQuietSuccess(window) ? null : of(h);
  }

  /**
   * The breaker of {@code h}, made now if it has none yet, or null when breakers are off. A new
   * breaker gets the successes counted meanwhile (at most its window, all fast: nothing else is
   * counted without one), so it is in the state it would be in had it been made at the join.
   */
  CircuitBreaker of(ServerHealth h) {
    CircuitBreaker b = h.breaker;
    if (b != null || breakerConfig == null) {
      return b;
    }
    synchronized (h) {
      b = h.breaker;
      if (b == null) {
        b = registry.circuitBreaker(h.id, breakerConfig);
        for (int i = h.takeQuietSuccesses(); i > 0; i--) {
          b.onSuccess(0L, TimeUnit.NANOSECONDS);
        }
        h.breaker = b; // published last: a success counted concurrently waits on this lock
      }
    }
    return b;
  }

  /** The breaker of a server whose state expired: the registry does not outgrow the pool. */
  void release(String serverId) {
    if (breakerConfig != null) {
      registry.remove(serverId);
    }
  }

  /*
   * resilience4j's OPEN state ends strictly after clock.instant() at opening + the wait, in whole
   * milliseconds, from the config's wait-interval function applied to the count of openings in a
   * row (1 for the first, +1 per half-open test that failed, back to 0 once closed).
   */
  /** The ticker time at which an OPEN breaker seen opening at {@code openedAt} goes HALF_OPEN. */
  static long halfOpenAt(CircuitBreaker breaker, long openedAt, int openings) {
    long waitMillis;
    try {
      waitMillis = breaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState()
          .apply(Math.max(1, openings));
    } catch (RuntimeException e) {
      waitMillis = breaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1);
    }
    return openedAt + TimeUnit.MILLISECONDS.toNanos(Math.max(0L, waitMillis)) + 1;
  }
}
