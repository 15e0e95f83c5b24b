package io.lbkit.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.testing.ManualTicker;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.strategy.Strategies;
import io.lbkit.testing.ManualScheduler;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RetryTest {
  private final ManualTicker ticker = new ManualTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final CountingTracker tracker = new CountingTracker(ticker);
  private final List<Server> servers = new ArrayList<>();
  private ServerPool pool;

  @BeforeEach
  void setUp() {
    for (int i = 1; i <= 5; i++) {
      servers.add(Server.of("10.0.0." + i, 8080));
    }
    pool = ServerPool.of(servers);
  }

  private LoadBalancer.Builder builder(Failover failover) {
    return LoadBalancer.builder(pool).rebuildExecutor(Runnable::run)
        .strategy(Strategies.roundRobin())
        .tracker(tracker)
        .failover(failover)
        .ticker(ticker)
        .random(RandomSource.seeded(42))
        .scheduler(scheduler)
        .executor(Runnable::run);
  }

  @Test
  void oneServerRefusingConnectionsFailsNoneOfTenThousandIdempotentCalls() throws Exception {
    Server dead = servers.get(2);
    int failed = 0;
    int deadTried = 0;
    // One call in four needs a retry (below), so the budget allows 30% of calls + 10/s.
    try (LoadBalancer lb = builder(Failover.retry(3))
        .budget(RetryBudget.percentage(0.3, 10, Duration.ofSeconds(10), ticker)).build()) {
      for (int call = 0; call < 10_000; call++) {
        List<Server> tried = new ArrayList<>(3);
        try {
          lb.execute(Request.IDEMPOTENT, s -> {
            tried.add(s);
            if (s.equals(dead)) {
              throw new ConnectException("Connection refused");
            }
            return "ok";
          });
        } catch (Exception e) {
          failed++;
        }
        assertThat(new HashSet<>(tried)).as("servers tried in call %d", call)
            .hasSameSizeAs(tried);
        deadTried += tried.contains(dead) ? 1 : 0;
      }
    }
    assertThat(failed).isZero();
    // Round robin reaches it once per five picks; a call that hits it takes two picks, so one
    // call in four meets it.
    assertThat(deadTried).isEqualTo(2_500);
    assertThat(tracker.openPermits()).isZero();
    assertThat(tracker.failures.get()).isEqualTo(2_500);
    assertThat(tracker.successes.get()).isEqualTo(10_000);
  }

  @Test
  void timeoutOfNonIdempotentCallRunsExactlyOnce() {
    AtomicInteger executions = new AtomicInteger();
    Request order = Request.builder().idempotent(false).build();
    try (LoadBalancer lb = builder(Failover.retry(3).retryNonIdempotent())
        .budget(RetryBudget.unlimited()).build()) {
      assertThatThrownBy(() -> lb.execute(order, s -> {
        executions.incrementAndGet();
        throw new SocketTimeoutException("read timed out");
      })).isInstanceOf(SocketTimeoutException.class).satisfies(
          e -> assertThat(e.getSuppressed()).isEmpty());
    }
    assertThat(executions).hasValue(1);
  }

  @Test
  void asyncTimeoutOfNonIdempotentCallRunsExactlyOnce() {
    AtomicInteger executions = new AtomicInteger();
    Request order = Request.builder().idempotent(false).build();
    try (LoadBalancer lb = builder(Failover.retry(3).retryNonIdempotent())
        .budget(RetryBudget.unlimited()).build()) {
      var f = lb.executeAsync(order, s -> {
        executions.incrementAndGet();
        return java.util.concurrent.CompletableFuture.failedFuture(
            new java.util.concurrent.TimeoutException("no answer"));
      });
      scheduler.advance(Duration.ofSeconds(10));
      assertThat(f).isCompletedExceptionally();
    }
    assertThat(executions).hasValue(1);
    assertThat(tracker.openPermits()).isZero();
  }

  @Test
  void nonIdempotentCallIsRetriedOnlyWhenItNeverLeft() throws Exception {
    Request order = Request.builder().idempotent(false).build();
    AtomicInteger executions = new AtomicInteger();
    try (LoadBalancer lb = builder(Failover.retry(3)).budget(RetryBudget.unlimited()).build()) {
      assertThatThrownBy(() -> lb.execute(order, s -> {
        executions.incrementAndGet();
        throw new IOException("connection reset");
      })).isInstanceOf(IOException.class);
      assertThat(executions).hasValue(1);

      executions.set(0);
      String r = lb.execute(order, s -> {
        if (executions.incrementAndGet() == 1) {
          throw new ConnectException("Connection refused");
        }
        return "placed";
      });
      assertThat(r).isEqualTo("placed");
      assertThat(executions).hasValue(2);
    }
  }

  @Test
  void optInRetriesNonIdempotentFailuresButNotTimeouts() {
    Request order = Request.builder().idempotent(false).build();
    AtomicInteger executions = new AtomicInteger();
    try (LoadBalancer lb = builder(Failover.retry(3).retryNonIdempotent())
        .budget(RetryBudget.unlimited()).build()) {
      assertThatThrownBy(() -> lb.execute(order, s -> {
        executions.incrementAndGet();
        throw new IOException("connection reset");
      })).isInstanceOf(IOException.class);
      assertThat(executions).hasValue(3);
    }
  }

  @Test
  void failureAfterAllAttemptsThrowsTheLastErrorUnchanged() {
    AtomicInteger executions = new AtomicInteger();
    try (LoadBalancer lb = builder(Failover.retry(3)).budget(RetryBudget.unlimited()).build()) {
      assertThatThrownBy(() -> lb.execute(Request.IDEMPOTENT, s -> {
        throw new IOException("attempt " + executions.incrementAndGet());
      })).hasMessage("attempt 3").satisfies(e -> assertThat(e.getSuppressed()).isEmpty());
    }
    assertThat(executions).hasValue(3);
    assertThat(tracker.openPermits()).isZero();
  }

  @Test
  void backoffWaitsGoThroughTheSchedulerWithJitter() {
    try (LoadBalancer lb = builder(Failover.retry(3)).budget(RetryBudget.unlimited()).build()) {
      assertThatThrownBy(() -> lb.execute(Request.IDEMPOTENT, s -> {
        throw new IOException("down");
      })).isInstanceOf(IOException.class);
    }
    // 25 ms then 50 ms, each times a factor in [0.5, 1.5).
    assertThat(scheduler.sleeps()).hasSize(2);
    assertThat(scheduler.sleeps().get(0)).isBetween(12_500_000L, 37_500_000L);
    assertThat(scheduler.sleeps().get(1)).isBetween(25_000_000L, 75_000_000L);
    assertThat(ticker.read()).isEqualTo(scheduler.sleeps().get(0) + scheduler.sleeps().get(1));
  }

  @Test
  void everyServerTriedThenRepeatsAvoidingTheLastFailure() {
    pool.update(servers.subList(0, 2));
    List<Server> tried = new ArrayList<>();
    try (LoadBalancer lb = builder(Failover.retry(4).noBackoff())
        .budget(RetryBudget.unlimited()).build()) {
      assertThatThrownBy(() -> lb.execute(Request.IDEMPOTENT, s -> {
        tried.add(s);
        throw new IOException("down");
      })).isInstanceOf(IOException.class);
    }
    assertThat(tried).hasSize(4);
    for (int i = 1; i < tried.size(); i++) {
      assertThat(tried.get(i)).isNotEqualTo(tried.get(i - 1));
    }
  }

  @Test
  void retryRereadsThePool() throws Exception {
    Server fresh = Server.of("10.0.1.1", 8080);
    List<Server> tried = new ArrayList<>();
    try (LoadBalancer lb = builder(Failover.retry(2).noBackoff())
        .budget(RetryBudget.unlimited()).build()) {
      String r = lb.execute(Request.IDEMPOTENT, s -> {
        tried.add(s);
        if (tried.size() == 1) {
          pool.update(List.of(fresh)); // the cluster is replaced while the first attempt runs
          throw new IOException("down");
        }
        return s.id();
      });
      assertThat(r).isEqualTo(fresh.id());
    }
  }

  @Test
  void serverRefusingPermissionIsSkippedAndEveryPermissionEndsOnce() throws Exception {
    tracker.refusing.add(servers.get(0).id());
    tracker.refusing.add(servers.get(1).id());
    Set<Server> used = new HashSet<>();
    try (LoadBalancer lb = builder(Failover.retry(2)).budget(RetryBudget.unlimited()).build()) {
      for (int i = 0; i < 100; i++) {
        lb.execute(Request.IDEMPOTENT, s -> used.add(s));
      }
    }
    assertThat(used).containsExactlyInAnyOrderElementsOf(servers.subList(2, 5));
    assertThat(tracker.permits).hasValue(100);
    assertThat(tracker.openPermits()).isZero();
  }

  @Test
  void budgetStopsARetryStorm() {
    AtomicInteger executions = new AtomicInteger();
    try (LoadBalancer lb = builder(Failover.retry(3).noBackoff())
        .budget(RetryBudget.percentage(0.2, 0, Duration.ofSeconds(10), ticker)).build()) {
      for (int i = 0; i < 1_000; i++) {
        assertThatThrownBy(() -> lb.execute(Request.IDEMPOTENT, s -> {
          executions.incrementAndGet();
          throw new IOException("down");
        })).isInstanceOf(IOException.class);
      }
    }
    // Without a budget: 3 000 attempts. With 20%: 1 000 calls + 200 retries.
    assertThat(executions).hasValue(1_200);
  }

  @Test
  void callsThatFindNoServerAddNothingToTheBudget() throws Exception {
    Request nowhere = Request.NONE;
    for (Server s : servers) {
      nowhere = nowhere.excluding(s);
    }
    PercentageBudget budget = (PercentageBudget) RetryBudget.percentage(1.0, 0,
        Duration.ofSeconds(10), ticker);
    try (LoadBalancer lb = builder(Failover.retry(3)).budget(budget).build()) {
      for (int i = 0; i < 10; i++) {
        Request r = nowhere;
        assertThatThrownBy(() -> lb.execute(r, s -> "ok"))
            .isInstanceOf(io.lbkit.NoServerAvailableException.class);
        assertThat(lb.executeAsync(r, s -> CompletableFuture.completedFuture("ok")))
            .isCompletedExceptionally();
      }
      assertThat(budget.balanceTokens()).as("no call was made").isEqualTo(0.0);
      String answer = lb.execute(Request.IDEMPOTENT, s -> "ok");
      assertThat(answer).isEqualTo("ok");
      assertThat(budget.balanceTokens()).as("one call at 100%").isEqualTo(1.0);
    }
  }

  @Test
  void asyncRetryMovesToAnotherServerAfterTheBackoff() throws Exception {
    List<Server> tried = new ArrayList<>();
    try (LoadBalancer lb = builder(Failover.retry(3)).budget(RetryBudget.unlimited()).build()) {
      var f = lb.executeAsync(Request.IDEMPOTENT, s -> {
        tried.add(s);
        return tried.size() == 1
            ? java.util.concurrent.CompletableFuture.failedFuture(new IOException("down"))
            : java.util.concurrent.CompletableFuture.completedFuture(s.id());
      });
      assertThat(f).isNotDone();
      assertThat(tried).hasSize(1);
      scheduler.advance(Duration.ofMillis(40)); // past the first backoff (<= 37.5 ms)
      assertThat(f).isCompletedWithValue(tried.get(1).id());
      assertThat(tried.get(1)).isNotEqualTo(tried.get(0));
    }
    assertThat(tracker.openPermits()).isZero();
  }

  /** Compiles only because execute throws what the call declares: IOException here. */
  private static String placeOrder(LoadBalancer lb, AtomicInteger executions) throws IOException {
    return lb.execute(Request.IDEMPOTENT, s -> {
      if (executions.incrementAndGet() < 3) {
        throw new IOException("reset by " + s.id());
      }
      return "placed on " + s.id();
    });
  }

  /** Compiles only because a call that throws nothing checked makes execute throw nothing. */
  private static String ping(LoadBalancer lb) {
    return lb.execute(Request.IDEMPOTENT, s -> "pong from " + s.id());
  }

  @Test
  void executeThrowsExactlyTheCheckedExceptionTheCallDeclares() throws IOException {
    AtomicInteger executions = new AtomicInteger();
    try (LoadBalancer lb = builder(Failover.retry(3)).budget(RetryBudget.unlimited()).build()) {
      assertThat(placeOrder(lb, executions)).startsWith("placed on ");
      assertThat(ping(lb)).startsWith("pong from ");
      executions.set(-10);
      assertThatThrownBy(() -> placeOrder(lb, executions)).isInstanceOf(IOException.class);
    }
  }

  @Test
  void settingTheBackoffKeepsTheJitterSetBefore() throws Exception {
    Retry exact = Failover.retry(3).jitter(0).backoff(Duration.ofMillis(100), Duration.ofSeconds(1));
    try (LoadBalancer lb = builder(exact).budget(RetryBudget.unlimited()).build()) {
      assertThatThrownBy(() -> lb.execute(Request.IDEMPOTENT, s -> {
        throw new IOException("down");
      })).isInstanceOf(IOException.class);
    }
    assertThat(scheduler.sleeps()).containsExactly(100_000_000L, 200_000_000L);
  }
}
