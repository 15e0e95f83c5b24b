package io.lbkit.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.lbkit.RandomSource;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.Ticker;
import io.lbkit.testing.ManualScheduler;
import io.lbkit.testing.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a server that left the pool costs, and what it keeps for a return within the grace
 * period: its passive ejection and multiplier, failing checks, a breaker that is not closed.
 * Nothing else, and nothing at all for a server that left healthy; and no pool update, tick or
 * rebuild does work per departed server.
 */
class DepartedStateTest {
  private static final int DEPARTED = 10_000;

  private final AtomicLong reads = new AtomicLong();
  private final ManualTicker clock = new ManualTicker();
  // Caffeine reads the ticker on every lookup, so reads also count departed-state lookups.
  private final Ticker ticker = () -> {
    reads.incrementAndGet();
    return clock.read();
  };
  private final List<Server> members = Fixtures.servers(10);
  private final ServerPool pool = ServerPool.of(members);
  private HealthMonitor monitor;

  @AfterEach
  void close() {
    monitor.close();
  }

  private HealthMonitor monitor(HealthConfig.Builder config) {
    monitor = HealthMonitor.builder(pool).config(config.build()).ticker(ticker)
        .random(RandomSource.seeded(7)).build();
    return monitor;
  }

  /** Ejection on consecutive failures for any share of the pool. */
  private static HealthConfig.Builder ejectingAll() {
    return HealthConfig.builder().noSlowStart()
        .ejection(EjectionLimits.builder().maxPercent(100).build());
  }

  /** Ticker reads of one pool update and its undoing, a tick and a picker rebuild. */
  private long readsOfAnUpdate() {
    long before = reads.get();
    pool.drain(members.get(0));
    pool.update(members);
    monitor.tick();
    monitor.candidates(pool.snapshot(), RandomSource.seeded(1));
    return reads.get() - before;
  }

  /** {@code n} servers join in batches, each is ejected (5 failures), and they all leave. */
  private List<Server> ejectAndDepart(int n) {
    List<Server> gone = new ArrayList<>(n);
    for (int batch = 0; batch < n; batch += 500) {
      List<Server> joined = new ArrayList<>(members);
      List<Server> these = new ArrayList<>();
      for (int i = batch; i < Math.min(n, batch + 500); i++) {
        these.add(Server.of("gone-" + i, 8080));
      }
      joined.addAll(these);
      pool.update(joined);
      for (Server s : these) {
        Fixtures.fail(monitor, s, 5);
        assertThat(monitor.isAvailable(s)).isFalse();
      }
      pool.update(members);
      gone.addAll(these);
    }
    return gone;
  }

  @Test
  void anUpdateATickAndARebuildDoNoWorkPerDepartedServer() {
    monitor(ejectingAll().noCircuitBreaker());
    long quiet = readsOfAnUpdate();
    List<Server> gone = ejectAndDepart(DEPARTED);
    long busy = readsOfAnUpdate();
    assertThat(busy).as("ticker reads with %d departed, against %d without", DEPARTED, quiet)
        .isEqualTo(quiet);
    assertThat(monitor.departedSize()).isEqualTo(DEPARTED);
    // ...and what they kept is there: every one of them comes back ejected
    pool.update(gone.subList(0, 3));
    for (Server s : gone.subList(0, 3)) {
      assertThat(monitor.isAvailable(s)).isFalse();
    }
    assertThat(monitor.departedSize()).isEqualTo(DEPARTED - 3);
    pool.update(members);
    clock.advance(HealthConfig.DEFAULT_STATE_GRACE_PERIOD);
    int ticks = 0;
    while (monitor.departedSize() > 0 && ticks < 100) { // each tick expires a bounded batch
      monitor.tick();
      ticks++;
    }
    assertThat(monitor.departedSize()).isZero();
    assertThat(ticks).isBetween(1, 20);
    assertThat(monitor.stateSize()).isEqualTo(members.size());
  }

  @Test
  void aServerThatLeftHealthyLeavesNothingBehind() {
    monitor(HealthConfig.builder());
    for (int i = 0; i < 1000; i++) {
      Server s = Server.of("gone-" + i, 8080);
      pool.add(s);
      Fixtures.succeed(monitor, s, 3);
      Fixtures.fail(monitor, s, 1); // a closed breaker with a failure in its window
      pool.remove(s);
      assertThat(monitor.breakerRegistry().find(s.id())).as(s.id()).isEmpty();
    }
    assertThat(monitor.stateSize()).isEqualTo(members.size());
  }

  @Test
  void anEjectedServerKeepsItsEjectionAndHistoryButNotItsClosedBreaker() {
    monitor(ejectingAll());
    Server a = members.get(0);
    Fixtures.fail(monitor, a, 5); // ejected for 30 s; its breaker (window 100) stays closed
    pool.remove(a);
    assertThat(monitor.breakerRegistry().find(a.id())).isEmpty();
    assertThat(monitor.stateSize()).isEqualTo(members.size() - 1);
    clock.advance(Duration.ofSeconds(10));
    pool.add(a);
    assertThat(monitor.isAvailable(a)).isFalse();
    clock.advance(Duration.ofSeconds(20).minusNanos(1));
    assertThat(monitor.isAvailable(a)).isFalse();
    clock.advanceNanos(1);
    assertThat(monitor.isAvailable(a)).isTrue();
    monitor.tick();
    List<Duration> ejections = new ArrayList<>();
    monitor.addListener(new HealthListener() {
      @Override
      public void onEjected(Server s, EjectionReason r, Duration d) {
        ejections.add(d);
      }
    });
    Fixtures.fail(monitor, a, 5);
    assertThat(ejections).containsExactly(Duration.ofSeconds(60)); // the second in a row
  }

  @Test
  void anOpenBreakerIsKeptAndHalfOpensAtItsTimeAfterAReturn() {
    monitor(HealthConfig.builder().noConsecutiveFailures().noSlowStart()
        .circuitBreaker(CircuitBreakerConfig.custom().slidingWindowSize(4)
            .minimumNumberOfCalls(4).waitDurationInOpenState(Duration.ofSeconds(5)).build()));
    Server a = members.get(0);
    Fixtures.fail(monitor, a, 4);
    CircuitBreaker open = monitor.circuitBreaker(a);
    assertThat(open.getState()).isEqualTo(CircuitBreaker.State.OPEN);
    pool.remove(a);
    assertThat(monitor.breakerRegistry().find(a.id())).containsSame(open);
    clock.advance(Duration.ofSeconds(2));
    pool.add(a);
    assertThat(monitor.circuitBreaker(a)).isSameAs(open);
    assertThat(monitor.isAvailable(a)).isFalse();
    clock.advance(Duration.ofSeconds(3).plusNanos(1));
    monitor.tick();
    assertThat(open.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    assertThat(monitor.isAvailable(a)).isTrue();
  }

  @Test
  void aServerFailingItsChecksIsStillOutWhenItReturns() {
    AtomicBoolean healthy = new AtomicBoolean(false);
    ManualScheduler scheduler = new ManualScheduler(clock);
    monitor = HealthMonitor.builder(pool).ticker(ticker).scheduler(scheduler)
        .random(RandomSource.seeded(7))
        .config(HealthConfig.builder().noSlowStart().activeChecks(ActiveChecks.builder(
            s -> CompletableFuture.completedFuture(healthy.get() || !s.id().equals(members.get(0).id())))
            .rise(2).fall(3).build()).build())
        .build();
    Server a = members.get(0);
    scheduler.advance(Duration.ofMinutes(1));
    assertThat(monitor.isAvailable(a)).isFalse();
    pool.remove(a);
    healthy.set(true);
    pool.add(a);
    assertThat(monitor.isAvailable(a)).isFalse(); // until rise checks pass
    scheduler.advance(Duration.ofMinutes(1));
    assertThat(monitor.isAvailable(a)).isTrue();
  }

  @Test
  void aCallInFlightKeepsItsServersLoadFiguresUntilItEnds() {
    monitor(HealthConfig.builder());
    Server a = members.get(0);
    long started = monitor.onStart(a);
    pool.remove(a);
    monitor.tick();
    assertThat(monitor.stateSize()).isEqualTo(members.size());
    pool.add(a); // back while the call runs: the same figures, the call still counted
    assertThat(monitor.stats(a).inFlight()).isEqualTo(1);
    pool.remove(a);
    monitor.onSuccess(a, started);
    monitor.tick();
    assertThat(monitor.stateSize()).isEqualTo(members.size() - 1);
  }
}
