package io.lbkit.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.Request;
import io.lbkit.testing.ManualTicker;
import io.lbkit.RandomSource;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.strategy.Strategies;
import io.lbkit.testing.ManualScheduler;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FailBackTest {
  private final ManualTicker ticker = new ManualTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final CountingTracker tracker = new CountingTracker(ticker);
  private final ServerPool pool = ServerPool.of(Server.of("10.0.0.1", 80),
      Server.of("10.0.0.2", 80));

  private LoadBalancer lb(Failover failover) {
    return LoadBalancer.builder(pool).rebuildExecutor(Runnable::run)
        .strategy(Strategies.roundRobin()).tracker(tracker)
        .failover(failover).budget(RetryBudget.unlimited()).ticker(ticker)
        .random(RandomSource.seeded(11)).scheduler(scheduler).executor(Runnable::run).build();
  }

  @Test
  void targetDownForTheWholeTestStaysBoundedAndStopsOnClose() throws Exception {
    int calls = 1_000;
    int[] executions = new int[calls];
    int maxPending = 0;
    LoadBalancer lb = lb(Failover.failBack(e -> "later"));
    for (int i = 0; i < calls; i++) {
      int id = i;
      String r = lb.execute(Request.IDEMPOTENT, s -> {
        executions[id]++;
        throw new IOException("down");
      });
      assertThat(r).isEqualTo("later");
      scheduler.advance(Duration.ofMillis(50));
      maxPending = Math.max(maxPending, lb.pendingRetries());
    }
    assertThat(maxPending).isEqualTo(FailBack.DEFAULT_MAX_PENDING);
    lb.close();
    assertThat(lb.pendingRetries()).isZero();
    assertThat(scheduler.pending()).isZero();
    int total = 0;
    for (int e : executions) {
      assertThat(e).isBetween(1, 1 + FailBack.DEFAULT_MAX_RETRIES);
      total += e;
    }
    scheduler.advance(Duration.ofHours(1));
    int after = 0;
    for (int e : executions) {
      after += e;
    }
    assertThat(after).as("nothing runs after close()").isEqualTo(total);
    assertThat(tracker.openPermits()).isZero();
  }

  @Test
  void eachFailedCallIsRetriedAtMostMaxRetriesTimes() throws Exception {
    AtomicInteger executions = new AtomicInteger();
    try (LoadBalancer lb = lb(Failover.failBack(e -> "later"))) {
      lb.execute(Request.IDEMPOTENT, s -> {
        executions.incrementAndGet();
        throw new IOException("down");
      });
      assertThat(lb.pendingRetries()).isEqualTo(1);
      scheduler.advance(Duration.ofMinutes(10));
      assertThat(executions).hasValue(1 + FailBack.DEFAULT_MAX_RETRIES);
      assertThat(lb.pendingRetries()).isZero();
    }
  }

  @Test
  void backgroundRetrySucceedsOnceTheServerRecovers() throws Exception {
    AtomicBoolean up = new AtomicBoolean();
    AtomicInteger executions = new AtomicInteger();
    try (LoadBalancer lb = lb(Failover.failBack(e -> "later"))) {
      String r = lb.execute(Request.IDEMPOTENT, s -> {
        executions.incrementAndGet();
        if (!up.get()) {
          throw new IOException("down");
        }
        return "done";
      });
      assertThat(r).isEqualTo("later");
      up.set(true);
      scheduler.advance(Duration.ofSeconds(8)); // first retry after 5 s ± 50%
      assertThat(executions).hasValue(2);
      assertThat(lb.pendingRetries()).isZero();
      assertThat(tracker.successes).hasValue(1);
    }
  }

  @Test
  void failSafeReturnsTheFallbackAndRetriesNothing() throws Exception {
    AtomicInteger executions = new AtomicInteger();
    try (LoadBalancer lb = lb(Failover.failSafe(e -> "empty"))) {
      String r = lb.execute(Request.IDEMPOTENT, s -> {
        executions.incrementAndGet();
        throw new IOException("down");
      });
      assertThat(r).isEqualTo("empty");
      scheduler.advance(Duration.ofMinutes(10));
      assertThat(executions).hasValue(1);
      assertThat(lb.pendingRetries()).isZero();
    }
  }
}
