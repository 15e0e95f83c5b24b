package io.lbkit.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.strategy.Strategies;
import io.lbkit.testing.ManualScheduler;
import io.lbkit.testing.ManualTicker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RetryHintTest {
  private final ManualTicker ticker = new ManualTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final ServerPool pool =
      ServerPool.of(Server.of("10.0.0.1", 80), Server.of("10.0.0.2", 80));

  /** A result the classifier judges a failure, carrying a wait. */
  private record Busy(long retryDelayNanos) implements RetryHint {}

  private static final OutcomeClassifier BUSY_FAILS =
      (result, error) -> result instanceof Busy ? Outcome.FAILURE : null;

  private LoadBalancer balancer() {
    return LoadBalancer.builder(pool).rebuildExecutor(Runnable::run)
        .strategy(Strategies.roundRobin()).tracker(new CountingTracker(ticker))
        .failover(Failover.retry(3)).classifier(BUSY_FAILS).budget(RetryBudget.unlimited())
        .ticker(ticker).random(RandomSource.seeded(1)).scheduler(scheduler)
        .executor(Runnable::run).build();
  }

  @Test
  void blockingRetryWaitsTheHintInsteadOfItsBackoff() {
    List<Server> tried = new ArrayList<>();
    try (LoadBalancer lb = balancer()) {
      Object r = lb.execute(Request.IDEMPOTENT, s -> {
        tried.add(s);
        return tried.size() == 1 ? new Busy(7_000_000_000L) : "ok";
      });
      assertThat(r).isEqualTo("ok");
    }
    assertThat(scheduler.sleeps()).containsExactly(7_000_000_000L);
    assertThat(tried).hasSize(2).doesNotHaveDuplicates();
  }

  @Test
  void asynchronousRetryWaitsTheHintOnTheTimer() {
    List<Server> tried = new ArrayList<>();
    try (LoadBalancer lb = balancer()) {
      CompletableFuture<Object> f = lb.executeAsync(Request.IDEMPOTENT, s -> {
        tried.add(s);
        return CompletableFuture.completedFuture(
            tried.size() == 1 ? new Busy(3_000_000_000L) : "ok");
      });
      scheduler.advance(java.time.Duration.ofNanos(2_999_999_999L));
      assertThat(tried).hasSize(1);
      scheduler.advance(java.time.Duration.ofNanos(1));
      assertThat(f).isCompletedWithValue("ok");
    }
    assertThat(tried).hasSize(2);
  }

  @Test
  void noRetryHintEndsTheCallWithThatResult() {
    List<Server> tried = new ArrayList<>();
    Busy never = new Busy(RetryHint.NO_RETRY);
    try (LoadBalancer lb = balancer()) {
      Object r = lb.execute(Request.IDEMPOTENT, s -> {
        tried.add(s);
        return never;
      });
      assertThat(r).isSameAs(never);
    }
    assertThat(tried).hasSize(1);
    assertThat(scheduler.sleeps()).isEmpty();
  }

  @Test
  void noHintKeepsTheModesBackoff() {
    List<Server> tried = new ArrayList<>();
    try (LoadBalancer lb = balancer()) {
      lb.execute(Request.IDEMPOTENT, s -> {
        tried.add(s);
        return tried.size() == 1 ? new Busy(RetryHint.NO_HINT) : "ok";
      });
    }
    // retry(3)'s first backoff: 25 ms ±50%
    assertThat(scheduler.sleeps()).singleElement()
        .satisfies(n -> assertThat(n).isBetween(12_500_000L, 37_500_000L));
  }
}
