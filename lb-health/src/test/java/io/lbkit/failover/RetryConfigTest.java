package io.lbkit.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.MaxRetriesExceededException;
import io.github.resilience4j.retry.RetryConfig;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.strategy.Strategies;
import io.lbkit.testing.ManualScheduler;
import io.lbkit.testing.ManualTicker;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** {@code Failover.retry(RetryConfig)}: a resilience4j config run across servers. */
class RetryConfigTest {
  private final ManualTicker ticker = new ManualTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final List<Server> servers = List.of(Server.of("10.0.0.1", 80),
      Server.of("10.0.0.2", 80), Server.of("10.0.0.3", 80), Server.of("10.0.0.4", 80),
      Server.of("10.0.0.5", 80));

  private LoadBalancer balancer(RetryConfig config) {
    return LoadBalancer.builder(ServerPool.of(servers)).rebuildExecutor(Runnable::run)
        .strategy(Strategies.roundRobin())
        .failover(Failover.retry(config))
        .budget(RetryBudget.unlimited())
        .ticker(ticker)
        .random(RandomSource.seeded(3))
        .scheduler(scheduler)
        .executor(Runnable::run)
        .build();
  }

  @Test
  void maxAttemptsAndTheIntervalFunctionAreHonouredOnDistinctServers() throws Exception {
    RetryConfig config = RetryConfig.custom().maxAttempts(4)
        .intervalFunction(IntervalFunction.ofExponentialBackoff(Duration.ofMillis(100), 3.0))
        .build();
    List<Server> tried = new ArrayList<>();
    try (LoadBalancer lb = balancer(config)) {
      assertThatThrownBy(() -> lb.execute(Request.IDEMPOTENT, s -> {
        tried.add(s);
        throw new IOException("reset");
      })).isInstanceOf(IOException.class);
    }
    assertThat(tried).hasSize(4).doesNotHaveDuplicates();
    assertThat(scheduler.sleeps()).containsExactly(100_000_000L, 300_000_000L, 900_000_000L);
  }

  @Test
  void theIntervalBiFunctionSeesTheAttemptNumberAndTheLastError() throws Exception {
    List<String> seen = new ArrayList<>();
    RetryConfig config = RetryConfig.custom().maxAttempts(3)
        .intervalBiFunction((attempt, last) -> {
          seen.add(attempt + ":" + last.getLeft().getMessage());
          return attempt * 10L;
        })
        .build();
    try (LoadBalancer lb = balancer(config)) {
      assertThatThrownBy(() -> lb.execute(Request.IDEMPOTENT, s -> {
        throw new IOException("down " + s.host());
      })).isInstanceOf(IOException.class);
    }
    assertThat(seen).hasSize(2);
    assertThat(seen.get(0)).startsWith("1:down 10.0.0.");
    assertThat(seen.get(1)).startsWith("2:down 10.0.0.").isNotEqualTo("2" + seen.get(0).substring(1));
    assertThat(scheduler.sleeps()).containsExactly(10_000_000L, 20_000_000L);
  }

  @Test
  void ignoredAndNotListedExceptionsEndTheCall() throws Exception {
    RetryConfig config = RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ofMillis(1))
        .retryExceptions(IOException.class).ignoreExceptions(FileNotFoundException.class)
        .build();
    try (LoadBalancer lb = balancer(config)) {
      int[] attempts = new int[3];
      assertThatThrownBy(() -> lb.execute(Request.IDEMPOTENT, s -> {
        attempts[0]++;
        throw new FileNotFoundException("gone");
      })).isInstanceOf(FileNotFoundException.class);
      assertThatThrownBy(() -> lb.execute(Request.IDEMPOTENT, s -> {
        attempts[1]++;
        throw new IllegalStateException("not listed");
      })).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> lb.execute(Request.IDEMPOTENT, s -> {
        attempts[2]++;
        throw new IOException("listed");
      })).isInstanceOf(IOException.class);
      assertThat(attempts).containsExactly(1, 1, 3);
    }
  }

  @Test
  void aResultThePredicateRejectsIsRetriedAndConsumedFirst() throws Exception {
    List<String> consumed = new ArrayList<>();
    RetryConfig config = RetryConfig.<String>custom().maxAttempts(5)
        .waitDuration(Duration.ofMillis(5))
        .retryOnResult("busy"::equals)
        .consumeResultBeforeRetryAttempt((attempt, r) -> consumed.add(attempt + ":" + r))
        .build();
    int[] calls = new int[1];
    try (LoadBalancer lb = balancer(config)) {
      String answer = lb.execute(Request.IDEMPOTENT, s -> ++calls[0] < 3 ? "busy" : "ok");
      assertThat(answer).isEqualTo("ok");
    }
    assertThat(calls[0]).isEqualTo(3);
    assertThat(consumed).containsExactly("1:busy", "2:busy");
  }

  @Test
  void failAfterMaxAttemptsEndsWithResilience4jsException() throws Exception {
    RetryConfig config = RetryConfig.<String>custom().maxAttempts(2)
        .waitDuration(Duration.ofMillis(5)).retryOnResult("busy"::equals)
        .failAfterMaxAttempts(true).build();
    try (LoadBalancer lb = balancer(config)) {
      assertThatThrownBy(() -> lb.execute(Request.IDEMPOTENT, s -> "busy"))
          .isInstanceOf(MaxRetriesExceededException.class);
      CompletableFuture<String> f = lb.executeAsync(Request.IDEMPOTENT,
          s -> CompletableFuture.completedFuture("busy"));
      scheduler.advance(Duration.ofSeconds(1));
      assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(MaxRetriesExceededException.class);
    }
  }

  @Test
  void lbkitsSafetyRuleStillHoldsForCallsNotMarkedIdempotent() throws Exception {
    RetryConfig config = RetryConfig.<String>custom().maxAttempts(3)
        .waitDuration(Duration.ofMillis(1)).retryOnResult("busy"::equals).build();
    try (LoadBalancer lb = balancer(config)) {
      int[] attempts = new int[3];
      assertThatThrownBy(() -> lb.execute(s -> {
        attempts[0]++;
        throw new IOException("reset after sending");
      })).isInstanceOf(IOException.class);
      assertThat(lb.<String, Exception>execute(s -> {
        attempts[1]++;
        return "busy";
      })).isEqualTo("busy");
      assertThat(lb.<String, Exception>execute(s -> {
        if (attempts[2]++ == 0) {
          throw new ConnectException("refused"); // never sent: safe to retry
        }
        return "placed";
      })).isEqualTo("placed");
      assertThat(attempts).containsExactly(1, 1, 2);
    }
  }

  @Test
  void theAsyncPathWaitsTheConfiguredIntervals() throws Exception {
    RetryConfig config = RetryConfig.custom().maxAttempts(3)
        .intervalFunction(IntervalFunction.of(Duration.ofMillis(200))).build();
    List<Long> attemptTimes = new ArrayList<>();
    try (LoadBalancer lb = balancer(config)) {
      CompletableFuture<String> f = lb.executeAsync(Request.IDEMPOTENT, s -> {
        attemptTimes.add(ticker.read());
        return attemptTimes.size() < 3 ? CompletableFuture.failedFuture(new IOException("x"))
            : CompletableFuture.completedFuture("ok");
      });
      scheduler.advance(Duration.ofMillis(199));
      assertThat(attemptTimes).hasSize(1);
      scheduler.advance(Duration.ofMillis(201));
      assertThat(f).isCompletedWithValue("ok");
    }
    long start = attemptTimes.get(0);
    assertThat(attemptTimes).containsExactly(start, start + 200_000_000L, start + 400_000_000L);
  }

  @Test
  void aNullConfigIsRejectedWithItsName() {
    assertThatThrownBy(() -> Failover.retry((RetryConfig) null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("retryConfig");
  }
}
