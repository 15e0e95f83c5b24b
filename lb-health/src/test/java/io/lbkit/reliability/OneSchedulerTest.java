package io.lbkit.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.failover.Failover;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.health.ActiveChecks;
import io.lbkit.health.HealthConfig;
import io.lbkit.strategy.Strategies;
import io.lbkit.testing.ManualScheduler;
import io.lbkit.testing.ManualTicker;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * One scheduler serves a balancer and its health monitor, and health rebuilds run on the
 * balancer's executor, not on the thread whose outcome report caused them.
 */
class OneSchedulerTest {
  private static final List<Server> SERVERS = List.of(Server.of("10.0.0.1", 80),
      Server.of("10.0.0.2", 80), Server.of("10.0.0.3", 80));

  private static long lbkitThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("lbkit-")).count();
  }

  @Test
  void aBalancerGivenASchedulerAndAnExecutorStartsNoThread() throws Exception {
    long before = lbkitThreads();
    ManualTicker ticker = new ManualTicker();
    ManualScheduler scheduler = new ManualScheduler(ticker);
    Queue<Runnable> work = new ArrayDeque<>();
    Executor executor = work::add;
    AtomicInteger checks = new AtomicInteger();
    try (LoadBalancer lb = LoadBalancer.builder(ServerPool.of(SERVERS))
        .strategy(Strategies.roundRobin())
        .health(HealthConfig.builder()
            .activeChecks(ActiveChecks.of(s -> {
              checks.incrementAndGet();
              return CompletableFuture.completedFuture(true);
            }))
            .build())
        .ticker(ticker)
        .scheduler(scheduler)
        .executor(executor)
        .failover(Failover.retry(3))
        .build()) {
      Server a = SERVERS.get(0);
      List<CompletableFuture<String>> async = new java.util.ArrayList<>();
      for (int i = 0; i < 20; i++) {
        // its retry's backoff waits on the manual scheduler, advanced below
        async.add(lb.executeAsync(Request.IDEMPOTENT, s -> s.equals(a)
            ? CompletableFuture.<String>failedFuture(new java.io.IOException("down"))
            : CompletableFuture.completedFuture("ok")));
        try {
          lb.execute(Request.IDEMPOTENT, s -> {
            if (s.equals(a)) {
              throw new java.io.IOException("down");
            }
            return "ok";
          });
        } catch (java.io.IOException e) {
          // a retry may still end on a: what matters here is what ran meanwhile
        }
        scheduler.advance(Duration.ofMillis(500)); // health ticks and checks, one scheduler
        Runnable r;
        while ((r = work.poll()) != null) {
          r.run(); // the rebuilds the ejection of a asked for
        }
      }
      assertThat(lb.tracker().stats(a).failures()).isPositive();
      assertThat(checks.get()).isGreaterThanOrEqualTo(3 * 4); // 10 s of 2 s checks, 3 servers
      assertThat(async).allMatch(CompletableFuture::isDone);
      assertThat(lbkitThreads()).isEqualTo(before);
    }
    assertThat(lbkitThreads()).isEqualTo(before);
  }

  @Test
  void theReportThatEjectsAServerLeavesTheRebuildToTheExecutor() throws Exception {
    ManualTicker ticker = new ManualTicker();
    Queue<Runnable> rebuilds = new ArrayDeque<>();
    Server a = SERVERS.get(0);
    try (LoadBalancer lb = LoadBalancer.builder(ServerPool.of(SERVERS))
        .strategy(Strategies.roundRobin())
        .ticker(ticker)
        .rebuildExecutor(rebuilds::add)
        .build()) {
      for (int i = 0; i < 5; i++) {
        lb.tracker().onFailure(a, lb.tracker().onStart(a), new RuntimeException("boom"));
      }
      assertThat(lb.tracker().isAvailable(a)).isFalse(); // ejected by the fifth report ...
      assertThat(rebuilds).hasSize(1); // ... which only queued the rebuild
      assertThat(chosen(lb)).contains(a); // the old picker until the rebuild runs
      rebuilds.poll().run();
      assertThat(chosen(lb)).doesNotContain(a);
    }
  }

  private static Set<Server> chosen(LoadBalancer lb) {
    Set<Server> seen = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      seen.add(lb.choose());
    }
    return seen;
  }
}
