package io.lbkit.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.LoadTracker;
import io.lbkit.testing.ManualTicker;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.failover.Failover;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.failover.RetryBudget;
import io.lbkit.strategy.Strategies;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Guarantee 5: a non-idempotent call runs at most once, in every mode, unless the caller opted
 * in ({@code retryNonIdempotent}, never for timeouts) or the error proves the request never left
 * (connection refused). The budget is unlimited throughout, so only the safety rule can stop a
 * repeat.
 */
class NonIdempotentSafetyTest {
  private static final List<Server> SERVERS = List.of(
      Server.builder("10.0.0.1", 80).priority(0).build(),
      Server.builder("10.0.0.2", 80).priority(1).build(),
      Server.builder("10.0.0.3", 80).priority(1).build());
  private static final Request POST = Request.builder().idempotent(false).build();
  private static final Request WRITE = Request.builder().write(true).idempotent(true).build();

  private static LoadBalancer balancer(Failover failover) {
    ManualTicker ticker = new ManualTicker();
    return LoadBalancer.builder(ServerPool.of(SERVERS)).rebuildExecutor(Runnable::run)
        .strategy(Strategies.roundRobin())
        .tracker(LoadTracker.create(ticker))
        .failover(failover)
        .budget(RetryBudget.unlimited())
        .ticker(ticker)
        .random(RandomSource.seeded(9))
        .build();
  }

  static Stream<Arguments> sequentialCases() {
    Failover retry = Failover.retry(3).noBackoff();
    Failover optIn = Failover.retry(3).noBackoff().retryNonIdempotent();
    return Stream.of(
        Arguments.of("retry, non-idempotent, failure", retry, POST, new IOException("reset"), 1),
        Arguments.of("retry, non-idempotent, timeout", retry, POST,
            new SocketTimeoutException("read timed out"), 1),
        Arguments.of("retry, non-idempotent, refused", retry, POST,
            new ConnectException("refused"), 3),
        Arguments.of("retry opted in, failure", optIn, POST, new IOException("reset"), 3),
        Arguments.of("retry opted in, timeout", optIn, POST,
            new SocketTimeoutException("read timed out"), 1),
        Arguments.of("retry, idempotent, failure (control)", retry, Request.IDEMPOTENT,
            new IOException("reset"), 3),
        Arguments.of("retry, default request, failure", retry, Request.NONE,
            new IOException("reset"), 1),
        Arguments.of("retry, default request, refused", retry, Request.NONE,
            new ConnectException("refused"), 3),
        Arguments.of("primaryBackup, non-idempotent, failure", Failover.primaryBackup(3), POST,
            new IOException("reset"), 1),
        Arguments.of("readWrite, idempotent write, failure", Failover.readWrite(3), WRITE,
            new IOException("reset"), 1),
        Arguments.of("readWrite, non-idempotent read, failure", Failover.readWrite(3), POST,
            new IOException("reset"), 1),
        Arguments.of("failFast, non-idempotent, refused", Failover.failFast(), POST,
            new ConnectException("refused"), 1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sequentialCases")
  void aNonIdempotentCallRunsOnceUnlessOptedInOrNeverSent(String name, Failover failover,
      Request request, Exception error, int expectedAttempts) throws Exception {
    try (LoadBalancer lb = balancer(failover)) {
      AtomicInteger attempts = new AtomicInteger();
      assertThatThrownBy(() -> lb.execute(request, s -> {
        attempts.incrementAndGet();
        throw error;
      })).isSameAs(error);
      assertThat(attempts.get()).isEqualTo(expectedAttempts);

      AtomicInteger asyncAttempts = new AtomicInteger();
      CompletableFuture<Object> f = lb.executeAsync(request, s -> {
        asyncAttempts.incrementAndGet();
        return CompletableFuture.failedFuture(error);
      });
      assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class).hasCause(error);
      assertThat(asyncAttempts.get()).as("async").isEqualTo(expectedAttempts);
    }
  }

  @Test
  void aNonIdempotentCallIsNeitherForkedNorHedged() throws Exception {
    for (Failover mode : List.of(Failover.forking(3),
        Failover.hedged(Duration.ZERO).maxAttempts(3))) {
      try (LoadBalancer lb = balancer(mode)) {
        AtomicInteger attempts = new AtomicInteger();
        assertThat(lb.<String, Exception>execute(POST, s -> {
          attempts.incrementAndGet();
          return "placed";
        })).isEqualTo("placed");
        assertThat(attempts.get()).as("%s", mode).isEqualTo(1);
        // And when that one copy fails, nothing else is sent either.
        AtomicInteger failing = new AtomicInteger();
        assertThatThrownBy(() -> lb.execute(POST, s -> {
          failing.incrementAndGet();
          throw new IOException("reset");
        })).isInstanceOf(IOException.class);
        assertThat(failing.get()).as("%s after a failure", mode).isEqualTo(1);
      }
    }
  }

  @Test
  void failBackNeverQueuesANonIdempotentCallThatMayHaveRun() throws Exception {
    try (LoadBalancer lb = balancer(Failover.failBack(e -> "queued?")
        .backoff(Duration.ofSeconds(30), Duration.ofSeconds(60)))) {
      AtomicInteger attempts = new AtomicInteger();
      assertThat(lb.<String, Exception>execute(POST, s -> {
        attempts.incrementAndGet();
        throw new IOException("reset");
      })).isEqualTo("queued?");
      assertThat(lb.pendingRetries()).isZero();
      // Refused: it never left, so a background retry is safe and is queued.
      assertThat(lb.<String, Exception>execute(POST, s -> {
        attempts.incrementAndGet();
        throw new ConnectException("refused");
      })).isEqualTo("queued?");
      assertThat(lb.pendingRetries()).isEqualTo(1);
      assertThat(attempts.get()).isEqualTo(2);
    }
  }

  @Test
  void broadcastSendsANonIdempotentCallToEachServerExactlyOnce() throws Exception {
    try (LoadBalancer lb = balancer(Failover.broadcast())) {
      Map<String, AtomicInteger> perServer = new ConcurrentHashMap<>();
      assertThatThrownBy(() -> lb.execute(POST, s -> {
        perServer.computeIfAbsent(s.id(), k -> new AtomicInteger()).incrementAndGet();
        throw new IOException("reset");
      })).isInstanceOf(IOException.class);
      assertThat(perServer).hasSize(3);
      assertThat(perServer.values()).allMatch(n -> n.get() == 1);
    }
  }
}
