package io.lbkit.health;

import static io.lbkit.health.Fixtures.fail;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.lbkit.testing.ManualTicker;
import io.lbkit.Attempt;
import io.lbkit.HealthTracker;
import io.lbkit.NoServerAvailableException;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.ServerState;
import io.lbkit.internal.TrackedAttempt;
import io.lbkit.strategy.Strategies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
    monitor = Fixtures.monitor(pool, Fixtures.manual().noConsecutiveFailures()
        .circuitBreaker(cb).build(), ticker);
    return monitor;
  }

  /** An attempt on {@code s} with its permission taken, or null when the breaker refuses. */
  private Attempt attempt(Server s) {
    return TrackedAttempt.tryStart(monitor, s);
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
    assertThat(attempt(a).failure(new RuntimeException("still down"))).isTrue();
    assertThat(attempt(a).failure(new RuntimeException("still down"))).isTrue();
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
      List<Future<Attempt>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        results.add(pool8.submit(() -> {
          ready.countDown();
          go.await();
          return attempt(a);
        }));
      }
      assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
      go.countDown();
      List<Attempt> admitted = new ArrayList<>();
      for (Future<Attempt> f : results) {
        Attempt p = f.get(10, TimeUnit.SECONDS);
        if (p != null) {
          admitted.add(p);
        }
      }
      assertThat(admitted).hasSize(3);
      assertThat(attempt(a)).isNull();
      // The three probes succeed: the breaker closes.
      admitted.forEach(Attempt::success);
    } finally {
      pool8.shutdownNow();
    }
    assertThat(b.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void oneProbeSlotHoldsOneProbeWhileClosedEraCallsAndProbesCancelInEightThreads()
      throws Exception {
    monitor(1);
    Selector selector = Selector.builder(pool).strategy(Strategies.roundRobin()).tracker(monitor)
        .build();
    Request onlyA = Request.NONE.excluding(servers.get(1)).excluding(servers.get(2));
    List<Attempt> admittedWhileClosed = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      admittedWhileClosed.add(selector.begin(onlyA));
    }
    halfOpen();
    int rounds = 2_000;
    AtomicInteger probesOut = new AtomicInteger();
    AtomicInteger mostProbesOut = new AtomicInteger();
    AtomicInteger probes = new AtomicInteger();
    List<NoServerAvailableException.Reason> refusals = new CopyOnWriteArrayList<>();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool8 = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        Attempt early = admittedWhileClosed.get(t);
        int cancelAt = 100 + t * 211; // each thread abandons its closed-era call mid-race
        done.add(pool8.submit(() -> {
          go.await();
          for (int i = 0; i < rounds; i++) {
            if (i == cancelAt) {
              early.cancel();
            }
            try {
              Attempt probe = selector.begin(onlyA);
              mostProbesOut.accumulateAndGet(probesOut.incrementAndGet(), Math::max);
              probes.incrementAndGet();
              probesOut.decrementAndGet();
              probe.cancel();
            } catch (NoServerAvailableException e) {
              refusals.add(e.reason());
            }
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool8.shutdownNow();
      selector.close();
    }
    assertThat(mostProbesOut.get()).isEqualTo(1);
    assertThat(probes.get()).isPositive();
    assertThat(probes.get() + refusals.size()).isEqualTo(8 * rounds);
    // any refusal is for the one slot being taken; how many there are is up to the scheduler
    // (on a loaded machine the threads may never overlap, and then there are none)
    assertThat(refusals).allSatisfy(
        r -> assertThat(r).isEqualTo(NoServerAvailableException.Reason.NO_PROBE_SLOT));
    assertThat(monitor.stats(a).inFlight()).isZero();
    assertThat(monitor.circuitBreaker(a).getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    assertThat(attempt(a)).isNotNull();
    assertThat(attempt(a)).as("still exactly one probe slot").isNull();
  }

  @Test
  void abandonedCallGivesItsPermissionBack() {
    monitor(1);
    CircuitBreaker b = halfOpen();
    Attempt probe = attempt(a);
    assertThat(probe).isNotNull();
    assertThat(attempt(a)).isNull(); // the only probe is taken
    probe.close(); // no end: a cancel
    assertThat(b.getMetrics().getNumberOfBufferedCalls()).isZero(); // nothing recorded
    assertThat(monitor.stats(a).inFlight()).isZero();
    assertThat(attempt(a).success()).isTrue(); // released, not leaked
    assertThat(b.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(monitor.stats(a).state()).isEqualTo(ServerState.SLOW_START); // ramps back up
  }

  @Test
  void cancelWithoutPermissionReleasesNothing() {
    monitor(1);
    halfOpen();
    long t = monitor.onStart(a); // a caller that never asked for a permission
    monitor.onCancel(a, t);
    assertThat(attempt(a)).isNotNull();
    assertThat(attempt(a)).isNull(); // still exactly one probe
  }

  @Test
  void callAdmittedWhileClosedAndCancelledWhileHalfOpenLendsNoProbe() {
    monitor(1);
    Attempt early = attempt(a); // CLOSED: admitted, no probe taken
    for (int i = 0; i < 4; i++) { // four calls, each with its permission, open the breaker
      assertThat(attempt(a).failure(new RuntimeException("boom"))).isTrue();
    }
    CircuitBreaker b = monitor.circuitBreaker(a);
    assertThat(b.getState()).isEqualTo(CircuitBreaker.State.OPEN);
    ticker.advance(Duration.ofSeconds(5).plusNanos(1));
    monitor.tick();
    assertThat(b.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    early.cancel(); // the call from before the breaker opened is abandoned
    Attempt probe = attempt(a);
    assertThat(probe).isNotNull();
    assertThat(attempt(a)).as("still exactly one probe").isNull();
    assertThat(monitor.stats(a).inFlight()).isEqualTo(1); // the probe alone
    probe.cancel();
    assertThat(monitor.stats(a).inFlight()).isZero();
  }

  @Test
  void failedProbeReopensTheBreaker() {
    monitor(1);
    CircuitBreaker b = halfOpen();
    assertThat(attempt(a).failure(new RuntimeException("still down"))).isTrue();
    assertThat(b.getState()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(monitor.isAvailable(a)).isFalse();
  }

  @Test
  void breakersCanBeTurnedOff() {
    monitor = Fixtures.monitor(pool, Fixtures.manual().noCircuitBreaker().build(),
        ticker);
    assertThat(monitor.circuitBreaker(a)).isNull();
    assertThat(monitor.tryAcquirePermission(a)).isEqualTo(HealthTracker.Permit.GRANTED);
  }
}
