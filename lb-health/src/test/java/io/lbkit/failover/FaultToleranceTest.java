package io.lbkit.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.strategy.Strategies;
import io.lbkit.testing.ManualScheduler;
import io.lbkit.testing.ManualTicker;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Calls end exactly once whatever happens around them (close mid-flight, a scheduler or executor
 * that refuses work, an interrupted caller, misbehaving user code), and the caller's own stops
 * never count against a server.
 */
class FaultToleranceTest {
  private final ManualTicker ticker = new ManualTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final CountingTracker tracker = new CountingTracker(ticker);
  private final List<Server> servers = List.of(Server.of("10.0.0.1", 80),
      Server.of("10.0.0.2", 80), Server.of("10.0.0.3", 80));
  private final ServerPool pool = ServerPool.of(servers);

  private LoadBalancer.Builder builder(Failover failover) {
    return LoadBalancer.builder(pool).strategy(Strategies.roundRobin()).tracker(tracker)
        .failover(failover).ticker(ticker).random(RandomSource.seeded(5)).scheduler(scheduler)
        .executor(Runnable::run).budget(RetryBudget.unlimited());
  }

  private static CompletableFuture<String> failing(Server s) {
    return CompletableFuture.failedFuture(new IOException("reset by " + s.id()));
  }

  @Test
  void everyAsyncRetryWaitingOnABackoffCompletesWhenTheBalancerCloses() {
    LoadBalancer lb = builder(Failover.retry(3).backoff(Duration.ofMillis(200),
        Duration.ofMillis(200)).jitter(0)).build();
    List<CompletableFuture<String>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(lb.executeAsync(Request.IDEMPOTENT, FaultToleranceTest::failing));
    }
    assertThat(scheduler.pending()).isEqualTo(20); // each waits for its first retry
    lb.close();
    for (CompletableFuture<String> c : calls) {
      assertThat(c).isCompletedExceptionally();
      assertThat(c.handle((r, e) -> e).join()).isInstanceOf(IOException.class);
    }
    assertThat(tracker.openPermits()).isZero();
  }

  @Test
  void anAsyncRetryWhoseSchedulerWasShutDownEndsWithTheCallsError() {
    scheduler.shutdown();
    try (LoadBalancer lb = builder(Failover.retry(3)).build()) {
      CompletableFuture<String> c = lb.executeAsync(Request.IDEMPOTENT, FaultToleranceTest::failing);
      assertThat(c).isCompletedExceptionally();
      assertThat(c.handle((r, e) -> e).join()).isInstanceOf(IOException.class);
    }
  }

  @Test
  void aHedgeTheSchedulerRefusesLeavesTheFirstCopyToAnswer() {
    scheduler.shutdown();
    List<CompletableFuture<String>> copies = new ArrayList<>();
    try (LoadBalancer lb = builder(Failover.hedged(Duration.ofMillis(10))).build()) {
      CompletableFuture<String> c = lb.executeAsync(Request.IDEMPOTENT, s -> {
        CompletableFuture<String> f = new CompletableFuture<>();
        copies.add(f);
        return f;
      });
      assertThat(copies).hasSize(1);
      copies.get(0).complete("first");
      assertThat(c).isCompletedWithValue("first");
    }
  }

  @Test
  void failBackWhoseSchedulerRefusesReturnsTheFallbackAndQueuesNothing() throws Exception {
    scheduler.shutdown();
    try (LoadBalancer lb = builder(Failover.failBack(e -> "fallback")).build()) {
      String r = lb.execute(Request.IDEMPOTENT, s -> {
        throw new IOException("down");
      });
      assertThat(r).isEqualTo("fallback");
      assertThat(lb.pendingRetries()).isZero();
    }
  }

  @Test
  void anInterruptedCallerIsNotRetriedKeepsItsFlagAndChargesNoServer() {
    AtomicInteger executions = new AtomicInteger();
    try (LoadBalancer lb = builder(Failover.retry(3)).build()) {
      assertThatThrownBy(() -> lb.execute(Request.IDEMPOTENT, s -> {
        executions.incrementAndGet();
        Thread.currentThread().interrupt(); // an upstream deadline, say
        throw new IOException("read interrupted");
      })).isInstanceOf(IOException.class);
      assertThat(Thread.interrupted()).as("the interrupt flag is kept").isTrue();
    }
    assertThat(executions).hasValue(1);
    assertThat(tracker.failures).hasValue(0);
    assertThat(tracker.cancels).hasValue(1);
    assertThat(tracker.openPermits()).isZero();
  }

  @Test
  void anInterruptedExceptionUnderFailFastChargesNoServer() {
    try (LoadBalancer lb = builder(Failover.failFast()).build()) {
      assertThatThrownBy(() -> lb.execute(Request.IDEMPOTENT, s -> {
        throw new InterruptedException("caller stopped");
      })).isInstanceOf(InterruptedException.class);
    }
    assertThat(tracker.failures).hasValue(0);
    assertThat(tracker.cancels).hasValue(1);
  }

  @Test
  void aCancelledFutureFromTheCallChargesNoServerAndIsNotRetried() {
    AtomicInteger executions = new AtomicInteger();
    try (LoadBalancer lb = builder(Failover.retry(3)).build()) {
      CompletableFuture<String> c = lb.executeAsync(Request.IDEMPOTENT, s -> {
        executions.incrementAndGet();
        CompletableFuture<String> f = new CompletableFuture<>();
        f.cancel(true); // the client gave up on it
        return f;
      });
      assertThat(c).isCompletedExceptionally();
    }
    assertThat(executions).hasValue(1);
    assertThat(tracker.failures).hasValue(0);
  }

  @Test
  void retryAcceptsAnyAttemptLimitWithoutMemoryPerLimit() {
    AtomicInteger executions = new AtomicInteger();
    try (LoadBalancer lb = builder(Failover.retry(Integer.MAX_VALUE).noBackoff())
        .budget(RetryBudget.tokenBucket(10, 0.1)).build()) {
      assertThatThrownBy(() -> lb.execute(Request.IDEMPOTENT, s -> {
        executions.incrementAndGet();
        throw new IOException("down");
      })).isInstanceOf(IOException.class);
    }
    // The budget ends it: 10 tokens, 1 lost per failure, retries only while more than 5 are left:
    // after the 5th failure 5 are left.
    assertThat(executions).hasValue(5);
  }

  @Test
  void aReusedExceptionInstanceIsNeverModified() {
    IOException shared = new IOException("the last attempt's, always the same");
    AtomicInteger executions = new AtomicInteger();
    try (LoadBalancer lb = builder(Failover.retry(3)).build()) {
      for (int i = 0; i < 100; i++) {
        assertThatThrownBy(() -> lb.execute(Request.IDEMPOTENT, s -> {
          throw executions.incrementAndGet() % 3 == 0 ? shared : new IOException("earlier");
        })).isSameAs(shared);
      }
    }
    assertThat(executions).hasValue(300);
    assertThat(shared.getSuppressed()).isEmpty();
  }

  @Test
  void aClassifierThrowingAnErrorLeavesNothingInFlight() {
    AssertionError bug = new AssertionError("classifier bug");
    try (LoadBalancer lb = builder(Failover.retry(3)).classifier((r, e) -> {
      throw bug;
    }).build()) {
      for (int i = 0; i < 10; i++) {
        assertThatThrownBy(() -> lb.execute(Request.IDEMPOTENT, s -> "ok")).isSameAs(bug);
      }
    }
    for (Server s : servers) {
      assertThat(tracker.stats(s).inFlight()).as("in flight on %s", s).isZero();
    }
    assertThat(tracker.openPermits()).isZero();
  }

  @Test
  void theFailBackQueueNeverHoldsMoreThanItsLimitUnderThirtyTwoThreads() throws Exception {
    int limit = 10;
    AtomicInteger most = new AtomicInteger();
    ExecutorService threads = Executors.newFixedThreadPool(32);
    try (LoadBalancer lb = builder(Failover.failBack(e -> "fallback").maxPending(limit))
        .build()) {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 32; t++) {
        done.add(threads.submit(() -> {
          go.await();
          for (int i = 0; i < 200; i++) {
            lb.execute(Request.IDEMPOTENT, s -> {
              throw new IOException("down");
            });
            most.accumulateAndGet(lb.pendingRetries(), Math::max);
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
      assertThat(lb.pendingRetries()).isEqualTo(limit);
    } finally {
      threads.shutdownNow();
    }
    assertThat(most.get()).isLessThanOrEqualTo(limit);
  }

  @Test
  void closeDuringABlockingHedgedCallLetsItFinishUninterrupted() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    LoadBalancer lb = LoadBalancer.builder(pool).strategy(Strategies.roundRobin())
        .tracker(tracker).failover(Failover.hedged(Duration.ofHours(1))).build();
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try {
      Future<String> call = caller.submit(() -> lb.execute(Request.IDEMPOTENT, s -> {
        started.countDown();
        release.await();
        return "answer";
      }));
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      lb.close();
      release.countDown();
      assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("answer");
    } finally {
      caller.shutdownNow();
    }
    assertThat(tracker.failures).hasValue(0);
    assertThat(tracker.successes).hasValue(1);
  }
}
