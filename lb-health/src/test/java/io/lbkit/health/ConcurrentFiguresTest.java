package io.lbkit.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.testing.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The outcome path shares no counter of its own between threads (interval figures and throughput
 * come from the cumulative load counters), and the figures stay exact: reports from racing
 * threads are all seen, by the interval evaluation and by the throughput.
 */
class ConcurrentFiguresTest {
  private static final int THREADS = 4;

  /** Runs {@code perThread} on {@link #THREADS} threads released together. */
  private static void race(Runnable perThread) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    try {
      for (int t = 0; t < THREADS; t++) {
        done.add(pool.submit(() -> {
          go.await();
          perThread.run();
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void failurePercentageSeesEveryReportOfRacingThreads() throws Exception {
    ManualTicker ticker = new ManualTicker();
    List<Server> servers = Fixtures.servers(5);
    Server bad = servers.get(4);
    Server borderline = servers.get(3);
    List<Server> ejected = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (HealthMonitor m = Fixtures.monitor(ServerPool.of(servers), HealthConfig.builder()
        .noConsecutiveFailures().noCircuitBreaker().noSuccessRate().noLatency()
        .ejection(Fixtures.maxPercent(100)).build(), ticker, new HealthListener() {
          @Override
          public void onEjected(Server s, EjectionReason r, Duration d) {
            ejected.add(s);
          }
        })) {
      // Per thread and server, 25 calls; on bad, 22 of each 25 fail (88%); on borderline, 21
      // (84%): only bad is at or above 85%, if and only if every report is counted.
      race(() -> {
        for (Server s : servers) {
          int failures = s.equals(bad) ? 22 : s.equals(borderline) ? 21 : 0;
          for (int i = 0; i < 25; i++) {
            long t = m.onStart(s);
            if (i < failures) {
              m.onFailure(s, t, new RuntimeException());
            } else {
              m.onSuccess(s, t);
            }
          }
        }
      });
      m.runIntervalNow();
      assertThat(ejected).containsExactly(bad);
      assertThat(m.stats(bad).requests()).isEqualTo(100);
      assertThat(m.stats(bad).failures()).isEqualTo(88);
    }
  }

  @Test
  void throughputCountsEveryReportOfRacingThreads() throws Exception {
    ManualTicker ticker = new ManualTicker();
    List<Server> servers = Fixtures.servers(2);
    Server a = servers.get(0);
    try (HealthMonitor m = Fixtures.monitor(ServerPool.of(servers), HealthConfig.defaults(),
        ticker)) {
      ticker.advance(Duration.ofSeconds(4));
      race(() -> {
        for (int i = 0; i < 2_500; i++) {
          m.onSuccess(a, m.onStart(a));
        }
      });
      ticker.advance(Duration.ofSeconds(1));
      // 10 000 calls in the 5 s the server has existed
      assertThat(m.stats(a).throughputPerSecond()).isCloseTo(2_000.0, within(1e-9));
    }
  }
}
