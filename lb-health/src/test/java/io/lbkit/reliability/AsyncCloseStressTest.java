package io.lbkit.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.LoadTracker;
import io.lbkit.NoServerAvailableException;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.failover.Failover;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.failover.RetryBudget;
import io.lbkit.strategy.Strategies;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Guarantee 10 under concurrency: 16 threads make asynchronous calls under retry(3), half of
 * whose attempts fail, answered on another pool, with real backoff timers; {@code close()} lands
 * in the middle. Every future must complete, with a result, the call's error or {@code
 * NoServerAvailableException(CLOSED)}, and nothing may be left in flight.
 */
class AsyncCloseStressTest {
  private static final int THREADS = 16;
  private static final int CALLS_PER_THREAD = 2_000;

  @Test
  void everyAsyncCallCompletesWhenCloseLandsMidFlight() throws Exception {
    List<Server> servers = List.of(Server.of("10.0.0.1", 80), Server.of("10.0.0.2", 80),
        Server.of("10.0.0.3", 80), Server.of("10.0.0.4", 80));
    ServerPool pool = ServerPool.of(servers);
    CountingTracker tracker = new CountingTracker(LoadTracker.create());
    ScheduledExecutorService answers = Executors.newScheduledThreadPool(2);
    ExecutorService callers = Executors.newFixedThreadPool(THREADS);
    LoadBalancer lb = LoadBalancer.builder(pool).strategy(Strategies.roundRobin())
        .tracker(tracker).random(RandomSource.seeded(11)).budget(RetryBudget.unlimited())
        .failover(Failover.retry(3).backoff(Duration.ofMillis(1), Duration.ofMillis(4)))
        .build();
    AtomicInteger made = new AtomicInteger();
    CountDownLatch halfway = new CountDownLatch(THREADS * CALLS_PER_THREAD / 4);
    List<CompletableFuture<String>> calls = new CopyOnWriteArrayList<>();
    try {
      List<Future<?>> threads = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        threads.add(callers.submit(() -> {
          for (int i = 0; i < CALLS_PER_THREAD; i++) {
            int n = made.incrementAndGet();
            calls.add(lb.executeAsync(Request.IDEMPOTENT, s -> {
              CompletableFuture<String> f = new CompletableFuture<>();
              // Every other attempt fails, answered later on another thread.
              answers.schedule(() -> {
                if (n % 2 == 0) {
                  f.completeExceptionally(new IOException("reset"));
                } else {
                  f.complete("ok");
                }
              }, 200, TimeUnit.MICROSECONDS);
              return f;
            }));
            halfway.countDown();
          }
          return null;
        }));
      }
      assertThat(halfway.await(30, TimeUnit.SECONDS)).isTrue();
      lb.close();
      for (Future<?> f : threads) {
        f.get(30, TimeUnit.SECONDS);
      }
      CompletableFuture<Void> all =
          CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0]));
      all.handle((r, e) -> null).get(30, TimeUnit.SECONDS); // every call ended, one way or another
    } finally {
      callers.shutdownNow();
      answers.shutdown();
      assertThat(answers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(calls).hasSize(THREADS * CALLS_PER_THREAD);
    int ok = 0;
    int failed = 0;
    int refused = 0;
    for (CompletableFuture<String> c : calls) {
      assertThat(c).isDone();
      Throwable e = c.handle((r, x) -> x).join();
      if (e == null) {
        ok++;
      } else if (e instanceof NoServerAvailableException) {
        assertThat(((NoServerAvailableException) e).reason())
            .isEqualTo(NoServerAvailableException.Reason.CLOSED);
        refused++;
      } else {
        assertThat(e).isInstanceOf(IOException.class);
        failed++;
      }
    }
    assertThat(ok).isPositive();
    assertThat(refused).isPositive(); // close really landed mid-run
    assertThat(ok + failed + refused).isEqualTo(THREADS * CALLS_PER_THREAD);
    assertThat(Await.until(() -> tracker.openPermits() == 0, Duration.ofSeconds(10))).isTrue();
    for (Server s : servers) {
      assertThat(tracker.stats(s).inFlight()).as("in flight on %s", s).isZero();
    }
  }
}
