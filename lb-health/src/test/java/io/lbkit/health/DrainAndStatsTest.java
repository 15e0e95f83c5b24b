package io.lbkit.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.lbkit.testing.ManualTicker;
import io.lbkit.RandomSource;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.ServerState;
import io.lbkit.ServerStats;
import io.lbkit.strategy.Strategies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DrainAndStatsTest {
  private final ManualTicker ticker = new ManualTicker();
  private final List<Server> servers = Fixtures.servers(3);
  private final ServerPool pool = ServerPool.of(servers);
  private final Server a = servers.get(0);
  private final List<Server> drained = new ArrayList<>();
  private HealthMonitor monitor;

  @AfterEach
  void close() {
    monitor.close();
  }

  private void start() {
    monitor = Fixtures.monitor(pool, Fixtures.manual().build(), ticker, new HealthListener() {
      @Override
      public void onDrained(Server s) {
        drained.add(s);
      }
    });
  }

  @Test
  void drainedServerTakesNoNewCallsAndListenersLearnWhenItsLastCallEnds() {
    start();
    Selector selector = Selector.builder(pool).strategy(Strategies.roundRobin()).tracker(monitor)
        .random(RandomSource.seeded(1)).build();
    long t1 = monitor.onStart(a);
    long t2 = monitor.onStart(a);
    pool.drain(a);
    for (int i = 0; i < 30; i++) {
      assertThat(selector.choose()).isNotEqualTo(a);
    }
    assertThat(monitor.isAvailable(pool.snapshot().byId(a.id()))).isFalse();
    assertThat(monitor.stats(a).state()).isEqualTo(ServerState.DRAINING);
    monitor.onSuccess(a, t1);
    assertThat(drained).isEmpty();
    monitor.onFailure(a, t2, new RuntimeException());
    assertThat(drained).containsExactly(pool.snapshot().byId(a.id()));
    assertThat(monitor.stats(a).state()).isEqualTo(ServerState.DRAINED);
  }

  @Test
  void drainingAnIdleServerReportsDrainedAtOnce() {
    start();
    pool.drain(a);
    assertThat(drained).hasSize(1);
    assertThat(monitor.stats(a).state()).isEqualTo(ServerState.DRAINED);
  }

  @Test
  void statsReportRequestsFailuresLatencyAndThroughputOverTheWindow() {
    start();
    // 100 calls of 10 ms each, one every 100 ms, 10 of them failing: 10 s of traffic.
    for (int i = 0; i < 100; i++) {
      long t = monitor.onStart(a);
      ticker.advance(Duration.ofMillis(10));
      if (i % 10 == 0) {
        monitor.onFailure(a, t, new RuntimeException());
      } else {
        monitor.onSuccess(a, t);
      }
      ticker.advance(Duration.ofMillis(90));
    }
    long inFlight = monitor.onStart(a);
    ServerStats s = monitor.stats(a);
    assertThat(s.requests()).isEqualTo(100);
    assertThat(s.failures()).isEqualTo(10);
    assertThat(s.failureRate()).isCloseTo(0.1, within(1e-12));
    assertThat(s.inFlight()).isEqualTo(1);
    assertThat(s.averageLatencyNanos()).isCloseTo(10e6, within(1e-3));
    assertThat(s.ewmaLatencyNanos()).isPositive();
    assertThat(s.throughputPerSecond()).isCloseTo(10.0, within(1e-9)); // 100 calls / 10 s
    // Another 10 s without calls: the window (10 s) no longer sees any.
    monitor.onCancel(a, inFlight);
    ticker.advance(Duration.ofSeconds(10));
    assertThat(monitor.stats(a).throughputPerSecond()).isZero();
    assertThat(monitor.stats(a).requests()).isEqualTo(100);
  }

  @Test
  void statsOfAServerNotInThePoolSaySo() {
    start();
    ServerStats s = monitor.stats(Server.of("10.1.1.1", 1));
    assertThat(s.requests()).isZero();
    assertThat(s.throughputPerSecond()).isZero();
    assertThat(s.state()).isEqualTo(ServerState.NOT_IN_POOL);
    // A member that left is no longer reported as a candidate either.
    Server b = servers.get(1);
    monitor.onSuccess(b, monitor.onStart(b));
    pool.remove(b);
    assertThat(monitor.stats(b).state()).isEqualTo(ServerState.NOT_IN_POOL);
  }

  @Test
  void statsPrintLatenciesInMilliseconds() {
    start();
    long t = monitor.onStart(a);
    ticker.advance(Duration.ofMillis(12));
    monitor.onSuccess(a, t);
    ServerStats s = monitor.stats(a);
    assertThat(s.averageLatency()).isEqualTo(Duration.ofMillis(12));
    assertThat(s.toString()).contains(a.id(), "HEALTHY", "requests=1", "failures=0 (0.0%)",
        "avg=12.000 ms");
  }
}
