package io.lbkit.health;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
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
  }

  CircuitBreakerRegistry registry() {
    return registry;
  }

  /** The breaker for {@code serverId}, or null when breakers are off. */
  CircuitBreaker forServer(String serverId) {
    return breakerConfig == null ? null : registry.circuitBreaker(serverId, breakerConfig);
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
