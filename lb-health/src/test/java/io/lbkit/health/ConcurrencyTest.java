package io.lbkit.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.testing.ManualTicker;
import io.lbkit.RandomSource;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.strategy.Strategies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConcurrencyTest {

  @Test
  void racingFailureReportsEjectEachServerExactlyOnceWhilePicksGoOn() throws Exception {
    ManualTicker ticker = new ManualTicker();
    List<Server> servers = Fixtures.servers(5);
    ServerPool pool = ServerPool.of(servers);
    ConcurrentLinkedQueue<Server> ejected = new ConcurrentLinkedQueue<>();
    HealthMonitor monitor = Fixtures.monitor(pool, Fixtures.manual()
        .ejection(Fixtures.maxPercent(100)).noCircuitBreaker().build(), ticker,
        new HealthListener() {
          @Override
          public void onEjected(Server s, EjectionReason r, Duration d) {
            ejected.add(s);
          }
        });
    Selector selector = Selector.builder(pool).strategy(Strategies.random()).tracker(monitor)
        .random(RandomSource.seeded(1)).build();
    ExecutorService threads = Executors.newFixedThreadPool(9);
    CountDownLatch go = new CountDownLatch(1);
    CountDownLatch picking = new CountDownLatch(1); // reports start once picks have begun
    AtomicBoolean reporting = new AtomicBoolean(true);
    AtomicInteger picks = new AtomicInteger();
    try {
      List<Future<?>> reporters = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int offset = t;
        reporters.add(threads.submit(() -> {
          picking.await();
          for (int i = 0; i < 2_000; i++) {
            Server s = servers.get((i + offset) % servers.size());
            monitor.onFailure(s, monitor.onStart(s), new RuntimeException());
          }
          return null;
        }));
      }
      Future<?> picker = threads.submit(() -> {
        go.await();
        // Panic (50%) spreads over all once most are out, so choose() never runs dry here.
        do {
          selector.choose();
          picks.incrementAndGet();
          picking.countDown();
        } while (reporting.get());
        return null;
      });
      go.countDown();
      for (Future<?> f : reporters) {
        f.get(30, TimeUnit.SECONDS);
      }
      reporting.set(false);
      picker.get(30, TimeUnit.SECONDS); // rethrows anything choose() threw
    } finally {
      threads.shutdownNow();
      monitor.close();
    }
    assertThat(ejected).hasSize(5).containsExactlyInAnyOrderElementsOf(servers);
    for (Server s : servers) {
      assertThat(monitor.stats(s).inFlight()).isZero();
      assertThat(monitor.stats(s).failures()).isEqualTo(3_200);
    }
    assertThat(picks.get()).isPositive();
  }
}
