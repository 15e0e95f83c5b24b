package io.lbkit.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.LoadTracker;
import io.lbkit.Request;
import io.lbkit.testing.ManualTicker;
import io.lbkit.RandomSource;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Guarantee 4: a call makes at most {@code maxAttempts} attempts, and the extra attempts of all
 * calls together stay within the retry budget, in sequence and under concurrency.
 */
class AttemptBoundsTest {
  private static final List<Server> SERVERS = List.of(Server.of("10.0.0.1", 80),
      Server.of("10.0.0.2", 80), Server.of("10.0.0.3", 80));

  private static LoadBalancer balancer(Failover failover, RetryBudget budget, ManualTicker t) {
    return LoadBalancer.builder(ServerPool.of(SERVERS)).rebuildExecutor(Runnable::run)
        .strategy(Strategies.roundRobin())
        .tracker(LoadTracker.create(t))
        .failover(failover)
        .budget(budget)
        .ticker(t)
        .random(RandomSource.seeded(4))
        .build();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 5, 8})
  void aFailingCallMakesExactlyMaxAttemptsAndNoMore(int maxAttempts) throws Exception {
    try (LoadBalancer lb = balancer(Failover.retry(maxAttempts).noBackoff(),
        RetryBudget.unlimited(), new ManualTicker())) {
      for (int call = 0; call < 20; call++) {
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> lb.execute(Request.IDEMPOTENT, s -> {
          attempts.incrementAndGet();
          throw new IOException("reset by " + s.id());
        })).isInstanceOf(IOException.class);
        assertThat(attempts.get()).isEqualTo(maxAttempts);
      }
    }
  }

  /*
   * Token bucket (10 tokens, +0.1 per success, -1 per failure, retries only above 5): call 1
   * fails at 9 and 8 (two retries granted) and ends at 7 after its third attempt; call 2 fails at
   * 6 (one retry) and 5 (5 is not above 5: refused). No call ever succeeds, so no token comes
   * back: 100 failing calls make exactly 103 attempts.
   */
  @Test
  void failingCallsStopRetryingWhenTheTokenBucketIsHalfEmpty() {
    try (LoadBalancer lb = balancer(Failover.retry(3).noBackoff(),
        RetryBudget.tokenBucket(10, 0.1), new ManualTicker())) {
      AtomicInteger attempts = new AtomicInteger();
      for (int call = 0; call < 100; call++) {
        assertThatThrownBy(() -> lb.execute(Request.IDEMPOTENT, s -> {
          attempts.incrementAndGet();
          throw new IOException("down");
        })).isInstanceOf(IOException.class);
      }
      assertThat(attempts.get()).isEqualTo(103);
    }
  }

  /*
   * Percentage budget, 20% and no floor, on a ticker that does not move: each call deposits 0.2
   * of a retry, so every fifth call finds one whole retry and spends it. 100 failing calls, 3
   * attempts allowed each: exactly 20 extra attempts, 20% of the calls.
   */
  @Test
  void extraAttemptsAreTwentyPercentOfCallsUnderAPercentageBudget() {
    ManualTicker ticker = new ManualTicker();
    try (LoadBalancer lb = balancer(Failover.retry(3).noBackoff(),
        RetryBudget.percentage(0.2, 0, Duration.ofSeconds(10), ticker), ticker)) {
      AtomicInteger attempts = new AtomicInteger();
      for (int call = 0; call < 100; call++) {
        assertThatThrownBy(() -> lb.execute(Request.IDEMPOTENT, s -> {
          attempts.incrementAndGet();
          throw new IOException("down");
        })).isInstanceOf(IOException.class);
      }
      assertThat(attempts.get() - 100).isEqualTo(20);
    }
  }

  /*
   * Four threads, 500 calls each, every attempt failing: no call makes more than 3 attempts, and
   * the extras stay within 20% of the 2000 calls, plus at most one per racing thread (the
   * budget's check and withdrawal are two steps, as in Finagle).
   */
  @Test
  void concurrentCallsStayWithinMaxAttemptsAndThePercentageBudget() throws Exception {
    ManualTicker ticker = new ManualTicker();
    int threads = 4;
    int callsPerThread = 500;
    try (LoadBalancer lb = balancer(Failover.retry(3).noBackoff(),
        RetryBudget.percentage(0.2, 0, Duration.ofSeconds(10), ticker), ticker)) {
      AtomicLong attempts = new AtomicLong();
      AtomicInteger mostInOneCall = new AtomicInteger();
      AtomicReference<Throwable> unexpected = new AtomicReference<>();
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        workers.add(new Thread(() -> {
          for (int c = 0; c < callsPerThread; c++) {
            AtomicInteger mine = new AtomicInteger();
            try {
              lb.execute(Request.IDEMPOTENT, s -> {
                mine.incrementAndGet();
                throw new IOException("down");
              });
            } catch (IOException expected) {
              // every call fails: that is the workload
            } catch (Throwable e) {
              unexpected.compareAndSet(null, e);
            }
            attempts.addAndGet(mine.get());
            mostInOneCall.accumulateAndGet(mine.get(), Math::max);
          }
        }, "attempts-" + t));
      }
      workers.forEach(Thread::start);
      for (Thread w : workers) {
        w.join(30_000);
      }
      int calls = threads * callsPerThread;
      assertThat(unexpected.get()).isNull();
      assertThat(mostInOneCall.get()).isBetween(1, 3);
      assertThat(attempts.get() - calls).isBetween(1L, (long) (0.2 * calls) + threads);
    }
  }
}
