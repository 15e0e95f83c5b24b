package io.lbkit.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.lbkit.testing.ManualTicker;
import io.lbkit.RandomSource;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.ServerState;
import io.lbkit.Strategy;
import io.lbkit.spi.Candidates;
import io.lbkit.strategy.Strategies;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A recovered server's share over the 30 s window. Unweighted strategies apply the ramp as an
 * acceptance probability (a rejected draw is replaced by a uniform one), so with n equal servers
 * the ramping one gets factor / (factor + n - 1) of the picks: the share weighted strategies give
 * it through weight x factor.
 */
class SlowStartTest {
  private static final int PICKS = 20_000;

  private final ManualTicker ticker = new ManualTicker();
  private final List<Server> servers = Fixtures.servers(4);
  private final ServerPool pool = ServerPool.of(servers);
  private final Server a = servers.get(0);
  private HealthMonitor monitor;

  @AfterEach
  void close() {
    monitor.close();
  }

  @Test
  void recoveredServerShareFollowsTheLinearCurveWithRandom() {
    assertThat(maxDeviationOverTheWindow(Strategies.random(), 1.0)).isLessThanOrEqualTo(0.02);
  }

  @Test
  void recoveredServerShareFollowsTheLinearCurveWithRoundRobin() {
    assertThat(maxDeviationOverTheWindow(Strategies.roundRobin(), 1.0))
        .isLessThanOrEqualTo(0.02);
  }

  @Test
  void recoveredServerShareFollowsAnAggressiveCurve() {
    assertThat(maxDeviationOverTheWindow(Strategies.random(), 2.0)).isLessThanOrEqualTo(0.02);
  }

  /** Ejects a, lets it recover, and compares its share with factor / (factor + 3) at each second. */
  private double maxDeviationOverTheWindow(Strategy strategy, double aggression) {
    monitor = Fixtures.monitor(pool, Fixtures.manual()
        .slowStart(SlowStart.builder().aggression(aggression).build()).build(),
        ticker);
    Selector selector = Selector.builder(pool).strategy(strategy).tracker(monitor)
        .random(RandomSource.seeded(1)).build();
    Fixtures.fail(monitor, a, 5);
    ticker.advance(Duration.ofSeconds(30));
    monitor.tick(); // restored: the ramp starts now
    double worst = 0;
    for (int second = 0; second < 30; second++) {
      double factor = Math.max(0.1, Math.pow(second / 30.0, 1.0 / aggression));
      assertThat(monitor.stats(a).state()).isEqualTo(ServerState.SLOW_START);
      int hits = 0;
      for (int i = 0; i < PICKS; i++) {
        if (selector.choose().equals(a)) {
          hits++;
        }
      }
      worst = Math.max(worst, Math.abs((double) hits / PICKS - factor / (factor + 3)));
      ticker.advance(Duration.ofSeconds(1));
      monitor.tick();
    }
    assertThat(monitor.stats(a).state()).isEqualTo(ServerState.HEALTHY);
    int hits = 0;
    for (int i = 0; i < PICKS; i++) {
      if (selector.choose().equals(a)) {
        hits++;
      }
    }
    worst = Math.max(worst, Math.abs((double) hits / PICKS - 0.25));
    return worst;
  }

  @Test
  void rampFactorsFollowEnvoysFormulaExactly() {
    monitor = Fixtures.monitor(pool, Fixtures.manual()
        .slowStart(SlowStart.builder().aggression(2.0).minWeightPercent(20).build()).build(),
        ticker);
    Fixtures.fail(monitor, a, 5);
    ticker.advance(Duration.ofSeconds(30));
    monitor.tick();
    for (int second : new int[] {0, 1, 3, 6, 12, 24, 29}) {
      ticker.set(Duration.ofSeconds(30 + second).toNanos());
      Candidates c = monitor.candidates(pool.snapshot(), RandomSource.seeded(1));
      assertThat(c.server(0)).isEqualTo(a);
      assertThat(c.ramp(0)).isCloseTo(Math.max(0.2, Math.sqrt(second / 30.0)), within(1e-12));
      assertThat(c.ramp(1)).isEqualTo(1.0);
      assertThat(c.effectiveWeight(0)).isEqualTo(c.ramp(0));
    }
    ticker.set(Duration.ofSeconds(60).toNanos());
    assertThat(monitor.candidates(pool.snapshot(), RandomSource.seeded(1)).isRamping()).isFalse();
  }

  @Test
  void serverJoiningThePoolRampsButInitialMembersDoNot() {
    monitor = Fixtures.monitor(pool, Fixtures.manual().build(), ticker);
    assertThat(monitor.candidates(pool.snapshot(), RandomSource.seeded(1)).isRamping()).isFalse();
    Server joiner = Server.of("10.0.0.99", 8080);
    pool.add(joiner);
    ticker.advance(Duration.ofSeconds(15));
    Candidates c = monitor.candidates(pool.snapshot(), RandomSource.seeded(1));
    assertThat(c.server(4)).isEqualTo(joiner);
    assertThat(c.ramp(4)).isCloseTo(0.5, within(1e-12));
    assertThat(monitor.stats(joiner).state()).isEqualTo(ServerState.SLOW_START);
  }

  @Test
  void zeroWindowDisablesSlowStart() {
    monitor = Fixtures.monitor(pool, Fixtures.manual().noSlowStart().build(),
        ticker);
    Fixtures.fail(monitor, a, 5);
    ticker.advance(Duration.ofSeconds(30));
    monitor.tick();
    assertThat(monitor.candidates(pool.snapshot(), RandomSource.seeded(1)).isRamping()).isFalse();
    assertThat(monitor.stats(a).state()).isEqualTo(ServerState.HEALTHY);
  }
}
