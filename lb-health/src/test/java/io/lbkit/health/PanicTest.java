package io.lbkit.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.testing.ManualTicker;
import io.lbkit.NoServerAvailableException;
import io.lbkit.RandomSource;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.strategy.Strategies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PanicTest {
  private static final int PICKS = 40_000;

  private final ManualTicker ticker = new ManualTicker();
  private final List<Server> servers = Fixtures.servers(4);
  private final ServerPool pool = ServerPool.of(servers);
  private final List<String> events = new ArrayList<>();
  private HealthMonitor monitor;
  private Selector selector;

  @AfterEach
  void close() {
    monitor.close();
  }

  private void start(double panicPercent) {
    HealthConfig.Builder b = Fixtures.manual().ejection(Fixtures.maxPercent(100)).noSlowStart();
    if (panicPercent > 0) {
      b.panic(Panic.below(panicPercent));
    } else {
      b.noPanic();
    }
    monitor = Fixtures.monitor(pool, b.build(), ticker, new HealthListener() {
          @Override
          public void onPanicEntered(int available, int total) {
            events.add("entered " + available + "/" + total);
          }

          @Override
          public void onPanicLeft(int available, int total) {
            events.add("left " + available + "/" + total);
          }
        });
    selector = Selector.builder(pool).strategy(Strategies.random()).tracker(monitor)
        .random(RandomSource.seeded(1)).build();
  }

  private Map<Server, Integer> picks() {
    Map<Server, Integer> counts = new HashMap<>();
    for (int i = 0; i < PICKS; i++) {
      counts.merge(selector.choose(), 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void belowTheThresholdPicksSpreadOverAllServers() {
    start(50);
    for (int i = 0; i < 3; i++) {
      Fixtures.fail(monitor, servers.get(i), 5);
    }
    assertThat(monitor.isPanicking()).isTrue();
    assertThat(events).containsExactly("entered 1/4");
    Map<Server, Integer> counts = picks();
    assertThat(counts).hasSize(4);
    for (Server s : servers) {
      assertThat((double) counts.get(s) / PICKS).isBetween(0.23, 0.27);
    }
    ticker.advance(Duration.ofSeconds(30));
    monitor.tick();
    assertThat(monitor.isPanicking()).isFalse();
    assertThat(events).containsExactly("entered 1/4", "left 4/4");
  }

  @Test
  void atTheThresholdThereIsNoPanic() {
    start(50);
    Fixtures.fail(monitor, servers.get(0), 5);
    Fixtures.fail(monitor, servers.get(1), 5);
    Map<Server, Integer> counts = picks();
    assertThat(counts.keySet()).containsExactlyInAnyOrder(servers.get(2), servers.get(3));
    assertThat(events).isEmpty();
  }

  @Test
  void panicZeroFailsWithATypedErrorWhenAllAreEjected() {
    start(0);
    for (Server s : servers) {
      Fixtures.fail(monitor, s, 5);
    }
    assertThatThrownBy(selector::choose)
        .isInstanceOfSatisfying(NoServerAvailableException.class,
            e -> assertThat(e.reason()).isEqualTo(NoServerAvailableException.Reason.ALL_EJECTED))
        .hasMessageContaining("ejected");
    assertThat(events).isEmpty();
  }

  @Test
  void panicZeroChoosesOnlyAvailableServersEvenWhenFew() {
    start(0);
    for (int i = 0; i < 3; i++) {
      Fixtures.fail(monitor, servers.get(i), 5);
    }
    assertThat(picks().keySet()).containsExactly(servers.get(3));
  }
}
