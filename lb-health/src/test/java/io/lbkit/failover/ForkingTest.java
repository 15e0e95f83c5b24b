package io.lbkit.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.testing.ManualTicker;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.strategy.Strategies;
import io.lbkit.testing.ManualScheduler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ForkingTest {
  private final ManualTicker ticker = new ManualTicker();
  private final CountingTracker tracker = new CountingTracker(ticker);
  private final List<Server> servers = List.of(Server.of("10.0.0.1", 80),
      Server.of("10.0.0.2", 80), Server.of("10.0.0.3", 80));
  private final ServerPool pool = ServerPool.of(servers);
  private final Map<Server, CompletableFuture<String>> calls = new LinkedHashMap<>();

  private LoadBalancer lb(Failover failover) {
    return LoadBalancer.builder(pool).rebuildExecutor(Runnable::run)
        .strategy(Strategies.roundRobin()).tracker(tracker)
        .failover(failover).budget(RetryBudget.unlimited()).ticker(ticker)
        .random(RandomSource.seeded(7)).scheduler(new ManualScheduler(ticker))
        .executor(Runnable::run).build();
  }

  private CompletableFuture<String> record(Server s) {
    CompletableFuture<String> f = new CompletableFuture<>();
    calls.put(s, f);
    return f;
  }

  @Test
  void firstSuccessWinsAndTheLoserIsCancelledWithItsInFlightReleased() {
    try (LoadBalancer lb = lb(Failover.forking(2))) {
      CompletableFuture<String> result = lb.executeAsync(Request.IDEMPOTENT, this::record);
      assertThat(calls).hasSize(2);
      List<Server> forked = new ArrayList<>(calls.keySet());
      assertThat(forked.get(0)).isNotEqualTo(forked.get(1));
      for (Server s : forked) {
        assertThat(tracker.stats(s).inFlight()).isEqualTo(1);
      }
      calls.get(forked.get(1)).complete("second");

      assertThat(result).isCompletedWithValue("second");
      assertThat(calls.get(forked.get(0))).isCancelled();
      assertThat(tracker.stats(forked.get(0)).inFlight()).isZero();
      assertThat(tracker.stats(forked.get(1)).inFlight()).isZero();
      assertThat(tracker.cancels).hasValue(1);
      assertThat(tracker.successes).hasValue(1);
      assertThat(tracker.openPermits()).isZero();
    }
  }

  @Test
  void failsOnlyWhenEveryCopyFails() {
    try (LoadBalancer lb = lb(Failover.forking(3))) {
      CompletableFuture<String> result = lb.executeAsync(Request.IDEMPOTENT, this::record);
      List<CompletableFuture<String>> fs = new ArrayList<>(calls.values());
      assertThat(fs).hasSize(3);
      fs.get(0).completeExceptionally(new IOException("one"));
      fs.get(2).completeExceptionally(new IOException("three"));
      assertThat(result).isNotDone();
      fs.get(1).completeExceptionally(new IOException("two"));
      assertThat(result).isCompletedExceptionally();
      Throwable e = result.handle((r, t) -> t).join();
      assertThat(e).hasMessage("two");
      assertThat(e.getSuppressed()).isEmpty(); // the user's exception, as thrown
      assertThat(tracker.failures).hasValue(3);
      assertThat(tracker.openPermits()).isZero();
    }
  }

  @Test
  void callerCancellingTheResultCancelsEveryCopy() {
    try (LoadBalancer lb = lb(Failover.forking(3))) {
      CompletableFuture<String> result = lb.executeAsync(Request.IDEMPOTENT, this::record);
      assertThat(calls).hasSize(3);
      result.cancel(true);
      assertThat(calls.values()).allMatch(CompletableFuture::isCancelled);
      assertThat(tracker.cancels).hasValue(3);
      assertThat(tracker.openPermits()).isZero();
      for (Server s : servers) {
        assertThat(tracker.stats(s).inFlight()).isZero();
      }
    }
  }

  @Test
  void forkSpendsBudgetOnlyOnCopiesActuallySent() {
    PercentageBudget budget = (PercentageBudget) RetryBudget.percentage(0, 1,
        java.time.Duration.ofSeconds(10), ticker);
    try (LoadBalancer lb = LoadBalancer.builder(ServerPool.of(servers.subList(0, 2)))
        .strategy(Strategies.roundRobin()).tracker(tracker).failover(Failover.forking(3))
        .budget(budget).ticker(ticker).scheduler(new ManualScheduler(ticker))
        .executor(Runnable::run).build()) {
      lb.executeAsync(Request.IDEMPOTENT, this::record);
      assertThat(calls).hasSize(2); // two servers: two copies, not three
      assertThat(budget.balanceTokens()).isEqualTo(9.0); // 10 in reserve, one extra copy
      assertThat(tracker.openPermits()).isEqualTo(2);
    }
  }

  @Test
  void nonIdempotentCallIsNotForked() {
    try (LoadBalancer lb = lb(Failover.forking(3))) {
      lb.executeAsync(Request.builder().idempotent(false).build(), this::record);
      assertThat(calls).hasSize(1);
    }
  }

  @Test
  void blockingLoserIsInterruptedAndReleased() throws Exception {
    ExecutorService pool2 = Executors.newFixedThreadPool(2);
    CountDownLatch bothStarted = new CountDownLatch(2);
    CountDownLatch interrupted = new CountDownLatch(1);
    Server slow = servers.get(0);
    try (LoadBalancer lb = LoadBalancer.builder(ServerPool.of(servers.subList(0, 2)))
        .strategy(Strategies.roundRobin()).tracker(tracker).failover(Failover.forking(2))
        .budget(RetryBudget.unlimited()).executor(pool2).build()) {
      String r = lb.execute(Request.IDEMPOTENT, s -> {
        bothStarted.countDown();
        if (!s.equals(slow)) {
          bothStarted.await();
          return s.id();
        }
        try {
          new CountDownLatch(1).await(); // blocks until the winner cancels this copy
          return s.id();
        } catch (InterruptedException e) {
          interrupted.countDown();
          throw e;
        }
      });
      assertThat(r).isEqualTo(servers.get(1).id());
      assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(tracker.stats(slow).inFlight()).isZero();
      assertThat(tracker.cancels).hasValue(1);
    } finally {
      pool2.shutdownNow();
    }
  }
}
