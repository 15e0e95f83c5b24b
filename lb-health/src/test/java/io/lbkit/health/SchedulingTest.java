package io.lbkit.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.testing.ManualTicker;
import io.lbkit.RandomSource;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.strategy.Strategies;
import io.lbkit.testing.ManualScheduler;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The monitor's own ticks, on a deterministic scheduler and on its default daemon thread. */
class SchedulingTest {
  private final ManualTicker ticker = new ManualTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final List<Server> servers = Fixtures.servers(3);
  private final ServerPool pool = ServerPool.of(servers);
  private final Server a = servers.get(0);

  @Test
  void scheduledTickRestoresExactlyAtTheEndOfTheEjection() {
    try (HealthMonitor m = HealthMonitor.builder(pool)
        .config(HealthConfig.builder().noSlowStart().build())
        .ticker(ticker).random(RandomSource.seeded(3)).scheduler(scheduler).build()) {
      Selector selector = Selector.builder(pool).strategy(Strategies.random()).tracker(m)
          .random(RandomSource.seeded(1)).build();
      Fixtures.fail(m, a, 5);
      ticker.advance(Duration.ofSeconds(30).minusMillis(1));
      scheduler.runDue(); // interval evaluations at 10 and 20 s run; nothing restores yet
      assertThat(chosen(selector)).doesNotContain(a);
      ticker.advance(Duration.ofMillis(1));
      assertThat(scheduler.runDue()).isEqualTo(1); // one tick, due exactly now
      assertThat(chosen(selector)).contains(a);
    }
    assertThat(scheduler.pending()).isZero(); // close cancelled the next tick
  }

  @Test
  void outcomeReportsTickWhenSomethingIsDueAndNoSchedulerRan() {
    try (HealthMonitor m = Fixtures.monitor(pool, Fixtures.manual()
        .noSlowStart().build(), ticker)) {
      Selector selector = Selector.builder(pool).strategy(Strategies.random()).tracker(m)
          .random(RandomSource.seeded(1)).build();
      Fixtures.fail(m, a, 5);
      ticker.advance(Duration.ofSeconds(30));
      Fixtures.succeed(m, servers.get(1), 1); // an outcome on another server ticks
      assertThat(chosen(selector)).contains(a);
    }
  }

  @Test
  void closeStopsTheDefaultSchedulerThread() throws InterruptedException {
    HealthMonitor m = HealthMonitor.create(pool, HealthConfig.builder()
        .activeChecks(ActiveChecks.of(s -> CompletableFuture.completedFuture(true))).build());
    Set<Thread> threads = healthThreads();
    assertThat(threads).isNotEmpty();
    m.close();
    for (Thread t : threads) {
      t.join(10_000); // bounded: shutdownNow interrupts the idle worker at once
      assertThat(t.isAlive()).isFalse();
    }
  }

  private static Set<Thread> healthThreads() {
    Set<Thread> out = new HashSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("lbkit-health-")) {
        out.add(t);
      }
    }
    return out;
  }

  private static Set<Server> chosen(Selector selector) {
    Set<Server> seen = new HashSet<>();
    for (int i = 0; i < 300; i++) {
      seen.add(selector.choose());
    }
    return seen;
  }
}
