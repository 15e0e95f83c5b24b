package io.lbkit.health;

import static io.lbkit.health.Fixtures.fail;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.lbkit.testing.ManualTicker;
import io.lbkit.RandomSource;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.ServerState;
import io.lbkit.strategy.Strategies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
  private final ManualTicker ticker = new ManualTicker();
  private final List<Server> servers = Fixtures.servers(3);
  private final ServerPool pool = ServerPool.of(servers);
  private final Server a = servers.get(0);
  private HealthMonitor monitor;

  @AfterEach
  void close() {
    monitor.close();
  }

  /** A breaker that opens after 4 calls at 50% failures, waits 5 s, probes with {@code probes}. */
  private HealthMonitor monitor(int probes) {
    CircuitBreakerConfig cb = CircuitBreakerConfig.custom()
        .slidingWindowSize(4)
        .minimumNumberOfCalls(4)
        .failureRateThreshold(50)
        .waitDurationInOpenState(Duration.ofSeconds(5))
        .permittedNumberOfCallsInHalfOpenState(probes)
        .build();
    monitor = Fixtures.monitor(pool, Fixtures.manual().consecutiveFailures(0)
        .circuitBreakerConfig(cb).build(), ticker);
    return monitor;
  }

  /** Opens a's breaker, then lets the wait pass on the fake ticker: HALF_OPEN. */
  private CircuitBreaker halfOpen() {
    fail(monitor, a, 4);
    CircuitBreaker b = monitor.circuitBreaker(a);
    assertThat(b.getState()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(monitor.isAvailable(a)).isFalse();
    assertThat(monitor.stats(a).state()).isEqualTo(ServerState.EJECTED);
    ticker.advance(Duration.ofSeconds(5));
    monitor.tick();
    assertThat(b.getState()).isEqualTo(CircuitBreaker.State.OPEN); // resilience4j: strictly after
    ticker.advanceNanos(1);
    monitor.tick();
    assertThat(b.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    assertThat(monitor.isAvailable(a)).isTrue();
    return b;
  }

  @Test
  void inPanicOpenBreakersGoHalfOpenWithoutWaitingOutTheirOpenTime() {
    monitor(2);
    for (Server s : servers) {
      fail(monitor, s, 4);
    }
    for (Server s : servers) {
      assertThat(monitor.circuitBreaker(s).getState()).isEqualTo(CircuitBreaker.State.OPEN);
      assertThat(monitor.isAvailable(s)).isFalse();
    }

    // 0 of 3 up is below the 50% panic threshold: the next tick lets every breaker probe, long
    // before the 5 s wait is over
    ticker.advance(Duration.ofMillis(100));
    monitor.tick();

    for (Server s : servers) {
      assertThat(monitor.circuitBreaker(s).getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
      assertThat(monitor.isAvailable(s)).isTrue();
    }
    // a probe that fails opens its breaker again; the one after that passes it again, in panic
    assertThat(monitor.tryAcquirePermission(a)).isTrue();
    monitor.onFailure(a, monitor.onStart(a), new RuntimeException("still down"));
    assertThat(monitor.tryAcquirePermission(a)).isTrue();
    monitor.onFailure(a, monitor.onStart(a), new RuntimeException("still down"));
    assertThat(monitor.circuitBreaker(a).getState()).isEqualTo(CircuitBreaker.State.OPEN);
  }

  @Test
  void outOfPanicAnOpenBreakerWaitsItsFullOpenTime() {
    monitor(2);
    fail(monitor, a, 4); // 2 of 3 still up: no panic

    ticker.advance(Duration.ofMillis(4_900));
    monitor.tick();

    assertThat(monitor.circuitBreaker(a).getState()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(monitor.isAvailable(a)).isFalse();
  }

  @Test
  void openBreakerKeepsTheServerOutOfThePicker() {
    monitor(3);
    Selector selector = Selector.builder(pool).strategy(Strategies.random()).tracker(monitor)
        .random(RandomSource.seeded(1)).build();
    fail(monitor, a, 4);
    for (int i = 0; i < 200; i++) {
      assertThat(selector.choose()).isNotEqualTo(a);
    }
  }

  @Test
  void halfOpenAdmitsExactlyItsPermittedCallsUnderEightRacingThreads() throws Exception {
    monitor(3);
    CircuitBreaker b = halfOpen();
    CountDownLatch ready = new CountDownLatch(8);
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool8 = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        results.add(pool8.submit(() -> {
          ready.countDown();
          go.await();
          return monitor.tryAcquirePermission(a);
        }));
      }
      assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
      go.countDown();
      int admitted = 0;
      for (Future<Boolean> f : results) {
        admitted += f.get(10, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(admitted).isEqualTo(3);
    } finally {
      pool8.shutdownNow();
    }
    assertThat(monitor.tryAcquirePermission(a)).isFalse();
    // The three probes succeed: the breaker closes.
    for (int i = 0; i < 3; i++) {
      monitor.onSuccess(a, monitor.onStart(a));
    }
    assertThat(b.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void abandonedCallGivesItsPermissionBack() {
    monitor(1);
    CircuitBreaker b = halfOpen();
    assertThat(monitor.tryAcquirePermission(a)).isTrue();
    long t = monitor.onStart(a);
    assertThat(monitor.tryAcquirePermission(a)).isFalse(); // the only probe is taken
    monitor.onCancel(a, t);
    assertThat(b.getMetrics().getNumberOfBufferedCalls()).isZero(); // nothing recorded
    assertThat(monitor.stats(a).inFlight()).isZero();
    assertThat(monitor.tryAcquirePermission(a)).isTrue(); // released, not leaked
    monitor.onSuccess(a, monitor.onStart(a));
    assertThat(b.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(monitor.stats(a).state()).isEqualTo(ServerState.SLOW_START); // ramps back up
  }

  @Test
  void cancelWithoutPermissionReleasesNothing() {
    monitor(1);
    halfOpen();
    long t = monitor.onStart(a); // a caller that never asked for a permission
    monitor.onCancel(a, t);
    assertThat(monitor.tryAcquirePermission(a)).isTrue();
    assertThat(monitor.tryAcquirePermission(a)).isFalse(); // still exactly one probe
  }

  @Test
  void callAdmittedWhileClosedAndCancelledWhileHalfOpenLendsNoProbe() {
    monitor(1);
    assertThat(monitor.tryAcquirePermission(a)).isTrue(); // CLOSED: admitted, no probe taken
    long t = monitor.onStart(a);
    for (int i = 0; i < 4; i++) { // four calls, each with its permission, open the breaker
      assertThat(monitor.tryAcquirePermission(a)).isTrue();
      monitor.onFailure(a, monitor.onStart(a), new RuntimeException("boom"));
    }
    CircuitBreaker b = monitor.circuitBreaker(a);
    assertThat(b.getState()).isEqualTo(CircuitBreaker.State.OPEN);
    ticker.advance(Duration.ofSeconds(5).plusNanos(1));
    monitor.tick();
    assertThat(b.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    monitor.onCancel(a, t); // the call from before the breaker opened is abandoned
    assertThat(monitor.tryAcquirePermission(a)).isTrue();
    assertThat(monitor.tryAcquirePermission(a)).as("still exactly one probe").isFalse();
    assertThat(monitor.stats(a).inFlight()).isZero();
  }

  @Test
  void failedProbeReopensTheBreaker() {
    monitor(1);
    CircuitBreaker b = halfOpen();
    assertThat(monitor.tryAcquirePermission(a)).isTrue();
    monitor.onFailure(a, monitor.onStart(a), new RuntimeException("still down"));
    assertThat(b.getState()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(monitor.isAvailable(a)).isFalse();
  }

  @Test
  void breakersCanBeTurnedOff() {
    monitor = Fixtures.monitor(pool, Fixtures.manual().circuitBreakerEnabled(false).build(),
        ticker);
    assertThat(monitor.circuitBreaker(a)).isNull();
    assertThat(monitor.tryAcquirePermission(a)).isTrue();
  }
}
