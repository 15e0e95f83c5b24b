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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class HedgedTest {
  private final ManualTicker ticker = new ManualTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final CountingTracker tracker = new CountingTracker(ticker);
  private final ServerPool pool = ServerPool.of(Server.of("10.0.0.1", 80),
      Server.of("10.0.0.2", 80), Server.of("10.0.0.3", 80));
  private final List<Server> servers = new ArrayList<>();
  private final List<CompletableFuture<String>> calls = new ArrayList<>();
  private final List<Long> sentAt = new ArrayList<>();

  private LoadBalancer lb(Failover failover) {
    return LoadBalancer.builder(pool).rebuildExecutor(Runnable::run)
        .strategy(Strategies.roundRobin()).tracker(tracker)
        .failover(failover).budget(RetryBudget.unlimited()).ticker(ticker)
        .random(RandomSource.seeded(3)).scheduler(scheduler).executor(Runnable::run).build();
  }

  private CompletableFuture<String> record(Server s) {
    CompletableFuture<String> f = new CompletableFuture<>();
    servers.add(s);
    calls.add(f);
    sentAt.add(ticker.read());
    return f;
  }

  @Test
  void secondCopyGoesExactlyAtTheDelayAndTheFirstAnswerWins() {
    try (LoadBalancer lb = lb(Failover.hedged(Duration.ofMillis(100)))) {
      CompletableFuture<String> result = lb.executeAsync(Request.IDEMPOTENT, this::record);
      scheduler.advance(Duration.ofNanos(99_999_999));
      assertThat(calls).hasSize(1);
      scheduler.advance(Duration.ofNanos(1));
      assertThat(calls).hasSize(2);
      assertThat(sentAt).containsExactly(0L, 100_000_000L);
      assertThat(servers.get(1)).isNotEqualTo(servers.get(0));

      calls.get(1).complete("hedge");
      assertThat(result).isCompletedWithValue("hedge");
      assertThat(calls.get(0)).isCancelled();
      assertThat(tracker.stats(servers.get(0)).inFlight()).isZero();
      assertThat(tracker.openPermits()).isZero();
      scheduler.advance(Duration.ofSeconds(10));
      assertThat(calls).as("maxAttempts 2: no third copy").hasSize(2);
    }
  }

  @Test
  void noSecondCopyWhenTheFirstAnswersEarlier() {
    try (LoadBalancer lb = lb(Failover.hedged(Duration.ofMillis(100)))) {
      CompletableFuture<String> result = lb.executeAsync(Request.IDEMPOTENT, this::record);
      scheduler.advance(Duration.ofMillis(50));
      calls.get(0).complete("first");
      scheduler.advance(Duration.ofSeconds(1));
      assertThat(result).isCompletedWithValue("first");
      assertThat(calls).hasSize(1);
      assertThat(scheduler.pending()).isZero();
    }
  }

  @Test
  void nonIdempotentCallIsNeverHedged() {
    try (LoadBalancer lb = lb(Failover.hedged(Duration.ofMillis(100)))) {
      lb.executeAsync(Request.builder().idempotent(false).build(), this::record);
      scheduler.advance(Duration.ofSeconds(1));
      assertThat(calls).hasSize(1);
    }
  }

  @Test
  void failureWithNothingElseRunningSendsTheNextCopyAtOnce() {
    try (LoadBalancer lb = lb(Failover.hedged(Duration.ofMillis(100)))) {
      CompletableFuture<String> result = lb.executeAsync(Request.IDEMPOTENT, this::record);
      scheduler.advance(Duration.ofMillis(10));
      calls.get(0).completeExceptionally(new IOException("reset"));
      assertThat(calls).hasSize(2);
      assertThat(sentAt.get(1)).isEqualTo(10_000_000L);
      calls.get(1).completeExceptionally(new IOException("reset again"));
      assertThat(result).isCompletedExceptionally();
      assertThat(result.handle((r, e) -> e).join()).hasMessage("reset again")
          .satisfies(e -> assertThat(e.getSuppressed()).isEmpty());
      assertThat(tracker.openPermits()).isZero();
    }
  }

  @Test
  void percentileDelayFollowsMeasuredLatencies() {
    try (LoadBalancer lb = lb(Failover.hedgedAtPercentile(0.95, Duration.ofMillis(500)))) {
      for (int i = 0; i < 200; i++) {
        CompletableFuture<String> r = lb.executeAsync(Request.IDEMPOTENT, this::record);
        scheduler.advance(Duration.ofMillis(10));
        calls.get(calls.size() - 1).complete("ok");
        assertThat(r).isDone();
      }
      int before = calls.size();
      lb.executeAsync(Request.IDEMPOTENT, this::record);
      scheduler.advance(Duration.ofMillis(9));
      assertThat(calls).hasSize(before + 1);
      // 10 ms falls in the bucket [9.44 ms, 10.49 ms]: the hedge goes at its upper bound.
      scheduler.advance(Duration.ofMillis(2));
      assertThat(calls).hasSize(before + 2);
      assertThat(sentAt.get(before + 1) - sentAt.get(before))
          .isEqualTo(LatencyPercentile.upperBound(LatencyPercentile.bucket(10_000_000L)))
          .isBetween(10_000_000L, 11_250_000L);
    }
  }
}
