package io.lbkit.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Outcomes racing on one server from many threads are all counted: the totals, the failures and
 * the latency sum come out exact, and nothing is left in flight.
 */
@Timeout(60)
class ServerMetricsRaceTest {
  private static final int THREADS = 4;
  private static final int CALLS = 50_000;

  @Test
  void racingOutcomesAreCountedExactly() throws Exception {
    ServerMetrics m = new ServerMetrics("10.0.0.1:80", 0L, 10_000_000_000L);
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          go.await();
          for (int k = 0; k < CALLS; k++) {
            m.onStart();
            // thread t fails every (t + 2)th call; latency 1..7 us
            m.onComplete(1_000L * (1 + k % 7), k % (thread + 2) != 0, k);
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    long failures = 0;
    long latencySum = 0;
    for (int t = 0; t < THREADS; t++) {
      for (int k = 0; k < CALLS; k++) {
        failures += k % (t + 2) == 0 ? 1 : 0;
        latencySum += 1_000L * (1 + k % 7);
      }
    }
    assertThat(m.requests()).isEqualTo((long) THREADS * CALLS);
    assertThat(m.failures()).isEqualTo(failures);
    assertThat(m.latencySumNanos()).isEqualTo(latencySum);
    assertThat(m.inFlight()).isZero();
  }
}
