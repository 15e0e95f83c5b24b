package io.lbkit.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.lbkit.RandomSource;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.ServerState;
import io.lbkit.spi.Candidates;
import io.lbkit.testing.ManualScheduler;
import io.lbkit.testing.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * System.nanoTime() may start anywhere, Long.MAX_VALUE included, and wraps: only differences
 * of readings mean anything. Every rule here runs across the wrap, on a ticker that starts just
 * below Long.MAX_VALUE, with its ticks on a manual scheduler: each must happen exactly when it
 * would have at any other reading.
 */
class WrapAroundTest {
  private static final long SECOND = Duration.ofSeconds(1).toNanos();

  private final ManualTicker ticker = new ManualTicker(Long.MAX_VALUE - SECOND);
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final List<Server> servers = Fixtures.servers(5);
  private final ServerPool pool = ServerPool.of(servers);
  private final Server a = servers.get(0);
  private final List<String> events = new ArrayList<>();
  private HealthMonitor monitor;

  @AfterEach
  void close() {
    monitor.close();
  }

  private HealthMonitor monitor(HealthConfig config) {
    monitor = HealthMonitor.builder(pool).config(config).ticker(ticker)
        .random(RandomSource.seeded(7)).scheduler(scheduler)
        .listener(new HealthListener() {
          @Override
          public void onEjected(Server s, EjectionReason r, Duration d) {
            events.add("ejected " + s.host() + " " + r + " " + d);
          }

          @Override
          public void onRestored(Server s) {
            events.add("restored " + s.host());
          }

          @Override
          public void onBreakerStateChanged(Server s, CircuitBreaker.State from,
              CircuitBreaker.State to) {
            events.add("breaker " + s.host() + " " + to);
          }
        }).build();
    return monitor;
  }

  /** Moves the ticker by {@code d}, running every tick that falls due on the way. */
  private void advance(Duration d) {
    scheduler.advance(d);
  }

  @Test
  void anEjectionAcrossTheWrapLastsItsTimeToTheNanosecond() {
    monitor(HealthConfig.builder().noSlowStart().noCircuitBreaker().build());
    Fixtures.fail(monitor, a, 5);
    assertThat(events).containsExactly("ejected 10.0.0.1 CONSECUTIVE_FAILURES PT30S");
    assertThat(monitor.isAvailable(a)).isFalse();

    advance(Duration.ofSeconds(30).minusNanos(1)); // the reading has wrapped to negative
    assertThat(ticker.read()).isNegative();
    assertThat(monitor.isAvailable(a)).isFalse();
    assertThat(monitor.stats(a).state()).isEqualTo(ServerState.EJECTED);
    advance(Duration.ofNanos(1));
    assertThat(monitor.isAvailable(a)).isTrue();
    assertThat(events).containsExactly("ejected 10.0.0.1 CONSECUTIVE_FAILURES PT30S",
        "restored 10.0.0.1");
  }

  @Test
  void anOpenBreakerGoesHalfOpenAtTheEndOfItsWaitAcrossTheWrap() {
    monitor(HealthConfig.builder().noConsecutiveFailures().noSlowStart()
        .circuitBreaker(CircuitBreakerConfig.custom().slidingWindowSize(4)
            .minimumNumberOfCalls(4).failureRateThreshold(50)
            .waitDurationInOpenState(Duration.ofSeconds(5)).build())
        .build());
    Fixtures.fail(monitor, a, 4);
    assertThat(monitor.circuitBreaker(a).getState()).isEqualTo(CircuitBreaker.State.OPEN);

    advance(Duration.ofSeconds(5)); // resilience4j: strictly after the wait
    assertThat(ticker.read()).isNegative();
    assertThat(monitor.circuitBreaker(a).getState()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(monitor.isAvailable(a)).isFalse();
    advance(Duration.ofNanos(1));
    assertThat(monitor.circuitBreaker(a).getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    assertThat(monitor.isAvailable(a)).isTrue();
    assertThat(events).containsExactly("breaker 10.0.0.1 OPEN", "breaker 10.0.0.1 HALF_OPEN");
  }

  @Test
  void aRestoredServerRampsUpAcrossTheWrap() {
    monitor(HealthConfig.builder().noCircuitBreaker().build()); // slow start over 30 s
    Fixtures.fail(monitor, a, 5);
    advance(Duration.ofSeconds(30)); // restored 29 s after the wrap
    assertThat(events).containsExactly("ejected 10.0.0.1 CONSECUTIVE_FAILURES PT30S",
        "restored 10.0.0.1");
    assertThat(ramp()).isCloseTo(0.1, within(1e-9));

    advance(Duration.ofSeconds(15));
    assertThat(monitor.stats(a).state()).isEqualTo(ServerState.SLOW_START);
    assertThat(ramp()).isCloseTo(0.5, within(1e-9));
    advance(Duration.ofSeconds(15));
    assertThat(monitor.stats(a).state()).isEqualTo(ServerState.HEALTHY);
    assertThat(ramp()).isEqualTo(1.0);
  }

  @Test
  void theIntervalDetectorsRunOncePerIntervalAcrossTheWrap() {
    monitor(HealthConfig.builder().noConsecutiveFailures().noCircuitBreaker().noSlowStart()
        .build());
    for (Server s : servers) {
      for (int i = 0; i < 100; i++) {
        if (s == a) {
          monitor.onFailure(s, monitor.onStart(s), new RuntimeException());
        } else {
          monitor.onSuccess(s, monitor.onStart(s));
        }
      }
    }
    advance(Duration.ofSeconds(10).minusNanos(1)); // the first interval ends after the wrap
    monitor.tick();
    assertThat(events).isEmpty();
    assertThat(monitor.isAvailable(a)).isTrue();
    advance(Duration.ofNanos(1));
    assertThat(events).containsExactly("ejected 10.0.0.1 SUCCESS_RATE PT30S");
    assertThat(monitor.isAvailable(a)).isFalse();
  }

  @Test
  void departedStateExpiresAfterItsGracePeriodAcrossTheWrap() {
    monitor(HealthConfig.builder().stateGracePeriod(Duration.ofMinutes(1)).noSlowStart()
        .ejection(EjectionLimits.builder().baseTime(Duration.ofMinutes(5)).build()).build());
    Fixtures.fail(monitor, a, 5);
    pool.remove(a);
    advance(Duration.ofMinutes(1).minusMillis(1)); // (Caffeine rounds its times to even nanos)
    assertThat(ticker.read()).isNegative();
    pool.add(a); // within the grace period: still ejected
    assertThat(monitor.isAvailable(a)).isFalse();

    pool.remove(a);
    advance(Duration.ofMinutes(1));
    monitor.tick();
    assertThat(monitor.breakerRegistry().find(a.id())).isEmpty();
    assertThat(monitor.stateSize()).isEqualTo(servers.size() - 1);
    pool.add(a); // gone longer than the grace period: fresh
    assertThat(monitor.isAvailable(a)).isTrue();
  }

  @Test
  void throughputIsMeasuredAcrossTheWrap() {
    monitor(HealthConfig.builder().build());
    for (int second = 0; second < 10; second++) {
      Fixtures.succeed(monitor, a, 100);
      advance(Duration.ofSeconds(1));
    }
    assertThat(monitor.stats(a).throughputPerSecond()).isCloseTo(100.0, within(1e-9));
  }

  private double ramp() {
    Candidates c = monitor.candidates(pool.snapshot(), RandomSource.seeded(1));
    for (int i = 0; i < c.size(); i++) {
      if (c.server(i).equals(a)) {
        return c.ramp(i);
      }
    }
    throw new AssertionError("not a candidate: " + a);
  }
}
