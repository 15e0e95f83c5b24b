package io.lbkit.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.testing.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Guarantee 4, the budget's own bounds under concurrency (here, in the budget's package, to read
 * the token count): a token bucket's tokens never leave [0, max], whatever the interleaving, and
 * land exactly on 0 and on max; a percentage budget grants at most its share plus one per racing
 * thread.
 */
class BudgetBoundsTest {
  private static final int THREADS = 4;
  private static final int OPS = 50_000;

  @Test
  void tokenBucketTokensStayWithinZeroAndMaxUnderConcurrency() throws Exception {
    TokenBucketBudget budget = (TokenBucketBudget) RetryBudget.tokenBucket(10, 0.5);
    int max = budget.scaledTokens();
    AtomicInteger lowest = new AtomicInteger(Integer.MAX_VALUE);
    AtomicInteger highest = new AtomicInteger(Integer.MIN_VALUE);
    AtomicLong samples = new AtomicLong();
    AtomicBoolean running = new AtomicBoolean(true);
    Thread sampler = new Thread(() -> {
      do { // at least one sample, however the threads are scheduled
        int t = budget.scaledTokens();
        lowest.accumulateAndGet(t, Math::min);
        highest.accumulateAndGet(t, Math::max);
        samples.incrementAndGet();
      } while (running.get());
    }, "budget-sampler");
    sampler.start();
    // Mixed phase: failures outweigh successes two to one on some threads, the reverse on others.
    run(i -> {
      if (i % 3 == 0) {
        budget.onSuccess();
      } else if (i % 3 == 1) {
        budget.onFailure();
      } else {
        budget.tryAcquire();
      }
    }, t -> t % 2 == 0);
    running.set(false);
    sampler.join(10_000);
    assertThat(samples.get()).isPositive();
    assertThat(lowest.get()).isGreaterThanOrEqualTo(0);
    assertThat(highest.get()).isLessThanOrEqualTo(max);

    run(i -> budget.onFailure(), t -> true);
    assertThat(budget.scaledTokens()).isZero();
    assertThat(budget.tryAcquire()).isFalse();
    run(i -> budget.onSuccess(), t -> true);
    assertThat(budget.scaledTokens()).isEqualTo(max).isEqualTo(10_000);
    assertThat(budget.tryAcquire()).isTrue();
  }

  @Test
  void percentageBudgetGrantsAtMostItsShareUnderConcurrency() throws Exception {
    ManualTicker ticker = new ManualTicker();
    RetryBudget budget = RetryBudget.percentage(0.2, 0, Duration.ofSeconds(10), ticker);
    AtomicLong requests = new AtomicLong();
    AtomicLong granted = new AtomicLong();
    run(i -> {
      budget.onRequest();
      requests.incrementAndGet();
      if (budget.tryAcquire()) {
        granted.incrementAndGet();
      }
    }, t -> true);
    assertThat(requests.get()).isEqualTo((long) THREADS * OPS);
    // 20% of 200 000 requests is 40 000 extra attempts; racing threads overdraw by one each.
    assertThat(granted.get()).isBetween(40_000L - THREADS, 40_000L + THREADS);
  }

  interface Op {
    void run(int i);
  }

  interface ThreadFilter {
    boolean flip(int thread);
  }

  /** Runs {@code op} OPS times on each of THREADS threads released together. */
  private static void run(Op op, ThreadFilter reversed) throws InterruptedException {
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int shift = reversed.flip(t) ? 1 : 0;
      threads.add(new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < OPS; i++) {
          op.run(i + shift);
        }
      }, "budget-" + t));
    }
    threads.forEach(Thread::start);
    go.countDown();
    for (Thread t : threads) {
      t.join(30_000);
    }
  }
}
