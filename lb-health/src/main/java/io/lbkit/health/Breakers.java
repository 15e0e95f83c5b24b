package io.lbkit.health;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.lbkit.Ticker;
import java.util.concurrent.TimeUnit;

/**
 * Makes the per-server circuit breakers, named by server id. From a {@link CircuitBreakerConfig}
 * (the user's or resilience4j's defaults) the monitor derives one whose clock and timestamps read
 * the monitor's ticker, so the OPEN wait ends on the monitor's time, and whose automatic
 * OPEN-to-HALF_OPEN transition is off (it would start a resilience4j thread; the monitor's tick
 * moves OPEN breakers on instead). Breakers from a user's {@link CircuitBreakerRegistry} are used
 * as they are, clock included.
 */
final class Breakers {
  private final boolean enabled;
  private final CircuitBreakerRegistry registry;
  private final CircuitBreakerConfig breakerConfig;

  Breakers(HealthConfig config, Ticker ticker) {
    this.enabled = config.circuitBreakerEnabled;
    this.registry = config.circuitBreakerRegistry;
    CircuitBreakerConfig base = config.circuitBreakerConfig != null
        ? config.circuitBreakerConfig
        : CircuitBreakerConfig.ofDefaults();
    this.breakerConfig = CircuitBreakerConfig.from(base)
        .clock(new TickerClock(ticker))
        .currentTimestampFunction(clock -> ticker.read(), TimeUnit.NANOSECONDS)
        .automaticTransitionFromOpenToHalfOpenEnabled(false)
        .build();
  }

  /** The breaker for {@code serverId}, or null when breakers are off. */
  CircuitBreaker forServer(String serverId) {
    if (!enabled) {
      return null;
    }
    return registry != null
        ? registry.circuitBreaker(serverId)
        : CircuitBreaker.of(serverId, breakerConfig);
  }
}
