package io.lbkit.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.NoServerAvailableException;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.strategy.Strategies;
import io.lbkit.testing.ManualScheduler;
import io.lbkit.testing.ManualTicker;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Attempt, budget and refusal events, and the counters behind them, on a fake ticker. */
class CallListenerTest {
  private final ManualTicker ticker = new ManualTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final CountingTracker tracker = new CountingTracker(ticker);
  private final ServerPool pool = ServerPool.of(Server.of("10.0.0.1", 80),
      Server.of("10.0.0.2", 80), Server.of("10.0.0.3", 80));
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final CallListener recorder = new CallListener() {
    @Override
    public void onAttemptEnded(AttemptKind kind, Server server, Outcome outcome,
        long durationNanos) {
      events.add(kind + " " + server.id() + " " + outcome + " " + durationNanos / 1_000_000 + "ms");
    }

    @Override
    public void onAttemptCancelled(AttemptKind kind, Server server, long durationNanos) {
      events.add(kind + " " + server.id() + " cancelled " + durationNanos / 1_000_000 + "ms");
    }

    @Override
    public void onBudgetRefused(AttemptKind kind) {
      events.add("budget refused " + kind);
    }

    @Override
    public void onChooseRefused(NoServerAvailableException.Reason reason) {
      events.add("refused " + reason);
    }
  };

  private LoadBalancer.Builder builder(Failover failover) {
    return LoadBalancer.builder(pool).rebuildExecutor(Runnable::run)
        .strategy(Strategies.roundRobin()).tracker(tracker).failover(failover)
        .budget(RetryBudget.unlimited()).ticker(ticker).random(RandomSource.seeded(3))
        .scheduler(scheduler).executor(Runnable::run).callListener(recorder);
  }

  @Test
  void eachAttemptIsReportedWithItsKindServerOutcomeAndDuration() throws Exception {
    List<Server> tried = new ArrayList<>();
    try (LoadBalancer lb = builder(Failover.retry(3)).build()) {
      String r = lb.execute(Request.IDEMPOTENT, s -> {
        tried.add(s);
        ticker.advance(Duration.ofMillis(tried.size() * 10L));
        if (tried.size() == 1) {
          throw new ConnectException("refused");
        }
        if (tried.size() == 2) {
          throw new IOException("reset");
        }
        return "ok";
      });
      assertThat(r).isEqualTo("ok");
      assertThat(events).containsExactly(
          "FIRST " + tried.get(0).id() + " NOT_SENT 10ms",
          "RETRY " + tried.get(1).id() + " FAILURE 20ms",
          "RETRY " + tried.get(2).id() + " SUCCESS 30ms");
      assertThat(lb.counters().attempts(AttemptKind.FIRST)).isEqualTo(1);
      assertThat(lb.counters().attempts(AttemptKind.RETRY)).isEqualTo(2);
    }
  }

  @Test
  void aHedgeThatLosesIsReportedCancelled() {
    List<CompletableFuture<String>> calls = new ArrayList<>();
    List<Server> servers = new ArrayList<>();
    try (LoadBalancer lb = builder(Failover.hedged(Duration.ofMillis(100))).build()) {
      CompletableFuture<String> result = lb.executeAsync(Request.IDEMPOTENT, s -> {
        CompletableFuture<String> f = new CompletableFuture<>();
        calls.add(f);
        servers.add(s);
        return f;
      });
      scheduler.advance(Duration.ofMillis(100));
      scheduler.advance(Duration.ofMillis(5));
      calls.get(1).complete("hedge");
      assertThat(result).isCompletedWithValue("hedge");
      assertThat(events).containsExactly(
          "HEDGE " + servers.get(1).id() + " SUCCESS 5ms",
          "FIRST " + servers.get(0).id() + " cancelled 105ms");
      assertThat(lb.counters().attempts(AttemptKind.HEDGE)).isEqualTo(1);
    }
  }

  @Test
  void budgetRefusalsAndChooseRefusalsAreReportedAndCounted() {
    try (LoadBalancer lb = builder(Failover.retry(3))
        .budget(RetryBudget.tokenBucket(2, 0.001)).build()) {
      // Full at 2, extras only above 1: the first failure leaves 1, so its retry is refused.
      assertThatThrownBy(() -> lb.execute(Request.IDEMPOTENT, s -> {
        throw new IOException("reset");
      })).isInstanceOf(IOException.class);
      assertThat(events).last().isEqualTo("budget refused RETRY");
      assertThat(lb.counters().budgetRefusals(AttemptKind.RETRY)).isEqualTo(1);

      pool.update(List.of());
      assertThatThrownBy(() -> lb.execute(s -> "never"))
          .isInstanceOf(NoServerAvailableException.class);
      assertThatThrownBy(lb::choose).isInstanceOf(NoServerAvailableException.class);
      assertThat(events).endsWith("refused EMPTY_POOL", "refused EMPTY_POOL");
      assertThat(lb.counters().refusals(NoServerAvailableException.Reason.EMPTY_POOL))
          .isEqualTo(2);
      assertThat(lb.counters().poolUpdates()).isEqualTo(1);
    }
  }

  @Test
  void aThrowingListenerFailsNoCallAndTheOthersStillHear() throws Exception {
    CallListener broken = new CallListener() {
      @Override
      public void onAttemptEnded(AttemptKind kind, Server server, Outcome outcome,
          long durationNanos) {
        throw new IllegalStateException("listener bug");
      }
    };
    try (LoadBalancer lb = builder(Failover.failFast()).build()) {
      lb.addCallListener(broken);
      for (int i = 0; i < 3; i++) {
        assertThat(lb.<String, RuntimeException>execute(s -> "ok")).isEqualTo("ok");
      }
      assertThat(events).hasSize(3);
      assertThat(tracker.openPermits()).isZero();
      lb.removeCallListener(recorder);
      lb.removeCallListener(broken);
      lb.execute(s -> "ok");
      assertThat(events).hasSize(3);
      assertThat(lb.counters().attempts(AttemptKind.FIRST)).isEqualTo(4);
    }
  }
}
