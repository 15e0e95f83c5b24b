package io.lbkit.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.lbkit.RandomSource;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.internal.TrackedAttempt;
import io.lbkit.testing.ManualScheduler;
import io.lbkit.testing.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Breaker moves reach the listeners like ejections do, and an OPEN breaker's move to HALF_OPEN is
 * one tick scheduled at the end of its wait, not a poll.
 */
class BreakerEventsTest {
  private final ManualTicker ticker = new ManualTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final List<Server> servers = Fixtures.servers(5);
  private final ServerPool pool = ServerPool.of(servers);
  private final Server a = servers.get(0);
  private final List<String> moves = new ArrayList<>();
  private final CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
  private HealthMonitor monitor;

  @AfterEach
  void close() {
    monitor.close();
  }

  /** Opens after 4 calls at 50% failures, waits 5 s, 1 probe; no other detector, no ramp. */
  private void start() {
    CircuitBreakerConfig cb = CircuitBreakerConfig.custom().slidingWindowSize(4)
        .minimumNumberOfCalls(4).failureRateThreshold(50)
        .waitDurationInOpenState(Duration.ofSeconds(5))
        .permittedNumberOfCallsInHalfOpenState(1).build();
    monitor = HealthMonitor.builder(pool)
        .config(HealthConfig.builder().noConsecutiveFailures().noSuccessRate()
            .noFailurePercentage().noLatency().noSlowStart().circuitBreaker(cb)
            .interval(Duration.ofHours(1)).build())
        .ticker(ticker).random(RandomSource.seeded(1)).scheduler(scheduler)
        .breakerRegistry(registry)
        .listener(new HealthListener() {
          @Override
          public void onBreakerStateChanged(Server s, CircuitBreaker.State from,
              CircuitBreaker.State to) {
            moves.add(s.id() + " " + from + "->" + to);
          }
        })
        .build();
  }

  @Test
  void openHalfOpenAndClosedReachTheListener() {
    start();
    Fixtures.fail(monitor, a, 4);
    assertThat(moves).containsExactly("10.0.0.1:8080 CLOSED->OPEN");
    scheduler.advance(Duration.ofSeconds(5).plusNanos(1));
    assertThat(moves).containsExactly("10.0.0.1:8080 CLOSED->OPEN",
        "10.0.0.1:8080 OPEN->HALF_OPEN");
    assertThat(TrackedAttempt.tryStart(monitor, a).success()).isTrue();
    assertThat(moves).containsExactly("10.0.0.1:8080 CLOSED->OPEN",
        "10.0.0.1:8080 OPEN->HALF_OPEN", "10.0.0.1:8080 HALF_OPEN->CLOSED");
  }

  @Test
  void theMoveToHalfOpenIsOneTickAtTheEndOfTheWaitNotAPoll() {
    start();
    Fixtures.fail(monitor, a, 4);
    long opened = ticker.read();
    // Up to 1 ns before the wait's end, no tick runs at all.
    ticker.set(opened + Duration.ofSeconds(5).toNanos());
    assertThat(scheduler.runDue()).isZero();
    assertThat(monitor.circuitBreaker(a).getState()).isEqualTo(CircuitBreaker.State.OPEN);
    ticker.advanceNanos(1);
    assertThat(scheduler.runDue()).isEqualTo(1);
    assertThat(monitor.circuitBreaker(a).getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    assertThat(monitor.isAvailable(a)).isTrue();
  }

  @Test
  void breakersLiveInTheGivenRegistryForMetricsBinding() {
    start();
    assertThat(monitor.breakerRegistry()).isSameAs(registry);
    assertThat(registry.getAllCircuitBreakers()).hasSize(5);
    assertThat(registry.circuitBreaker(a.id())).isSameAs(monitor.circuitBreaker(a));
  }

  @Test
  void aListenerThatThrowsDoesNotStopTheBreakerFromMoving() {
    start();
    monitor.addListener(new HealthListener() {
      @Override
      public void onBreakerStateChanged(Server s, CircuitBreaker.State from,
          CircuitBreaker.State to) {
        throw new IllegalStateException("listener bug");
      }
    });
    Fixtures.fail(monitor, a, 4);
    assertThat(monitor.isAvailable(a)).isFalse();
    scheduler.advance(Duration.ofSeconds(6));
    assertThat(monitor.circuitBreaker(a).getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    assertThat(moves).hasSize(2);
  }
}
