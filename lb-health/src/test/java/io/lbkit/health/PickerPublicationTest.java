package io.lbkit.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.RandomSource;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.Strategy;
import io.lbkit.internal.DefaultSelector;
import io.lbkit.strategy.Strategies;
import io.lbkit.testing.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Write-path work in proportion to the change: a picker is published only when the strategy would
 * choose differently, so a slow-start ramp costs a key-affinity strategy (whose table ignores the
 * ramp) no rebuild at all, while a weight change costs exactly one.
 */
class PickerPublicationTest {
  private final ManualTicker ticker = new ManualTicker();
  private final List<Server> servers = Fixtures.servers(4);
  private final ServerPool pool = ServerPool.of(servers.subList(0, 3));
  private HealthMonitor monitor;
  private DefaultSelector selector;

  @AfterEach
  void close() {
    selector.close();
    monitor.close();
  }

  private void start(Strategy strategy) {
    monitor = Fixtures.monitor(pool, Fixtures.manual().build(), ticker);
    selector = (DefaultSelector) Selector.builder(pool).strategy(strategy).tracker(monitor)
        .random(RandomSource.seeded(3)).build();
  }

  /** Adds the fourth server (it joins ramping) and steps its whole 30 s ramp, second by second. */
  private long publicationsDuringAJoinRamp() {
    pool.add(servers.get(3));
    long afterJoin = selector.publications();
    for (int second = 0; second <= 31; second++) {
      ticker.advance(Duration.ofSeconds(1));
      monitor.tick();
    }
    return selector.publications() - afterJoin;
  }

  @Test
  void aRampUnderMaglevPublishesNoPicker() {
    start(Strategies.maglev());
    assertThat(publicationsDuringAJoinRamp()).isZero();
  }

  @Test
  void aRampUnderTheRingPublishesNoPicker() {
    start(Strategies.consistentHash());
    assertThat(publicationsDuringAJoinRamp()).isZero();
  }

  @Test
  void aRampUnderWeightedRoundRobinPublishesAPickerPerStep() {
    start(Strategies.weightedRoundRobin());
    assertThat(publicationsDuringAJoinRamp()).isGreaterThanOrEqualTo(10);
  }

  @Test
  void aRealWeightChangeUnderMaglevPublishesOnePicker() {
    start(Strategies.maglev());
    long before = selector.publications();
    List<Server> reweighted = new ArrayList<>(pool.servers());
    reweighted.set(0, Server.builder(reweighted.get(0).host(), reweighted.get(0).port())
        .weight(5).build());
    pool.update(reweighted);
    assertThat(selector.publications() - before).isEqualTo(1);
  }
}
