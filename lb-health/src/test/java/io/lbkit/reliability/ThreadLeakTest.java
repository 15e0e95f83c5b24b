package io.lbkit.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.NoServerAvailableException;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.failover.Failover;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.failover.RetryBudget;
import io.lbkit.health.ActiveChecks;
import io.lbkit.health.HealthConfig;
import io.lbkit.health.HealthMonitor;
import io.lbkit.strategy.Strategies;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Guarantee 8: background work stops on {@code close()} and no lbkit thread outlives it. The
 * balancers and the monitor run on the real clock here, with every kind of background work
 * started before closing: active checks and health ticks ({@code lbkit-health-*}), a fail-back
 * retry waiting on the timer ({@code lbkit-N-timer}), hedged copies on the call pool ({@code
 * lbkit-N-call-*}). The threads are then joined with a bound: none may remain.
 */
class ThreadLeakTest {
  private static final List<Server> SERVERS = List.of(Server.of("10.0.0.1", 80),
      Server.of("10.0.0.2", 80), Server.of("10.0.0.3", 80));

  @Test
  void closingBalancersAndMonitorsLeavesNoLbkitThreadBehind() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    AtomicInteger checks = new AtomicInteger();
    HealthConfig health = HealthConfig.builder()
        .activeChecks(ActiveChecks.builder(s -> {
          checks.incrementAndGet();
          return CompletableFuture.completedFuture(true);
        })
            .interval(Duration.ofMillis(20))
            .timeout(Duration.ofMillis(20))
            .jitter(Duration.ofMillis(5))
            .build())
        .interval(Duration.ofMillis(50))
        .build();

    ServerPool pool = ServerPool.of(SERVERS);
    HealthMonitor monitor = HealthMonitor.create(pool, health);
    LoadBalancer failBack = LoadBalancer.builder(ServerPool.of(SERVERS))
        .strategy(Strategies.roundRobin())
        .health(health)
        .failover(Failover.failBack(e -> "later")
            .backoff(Duration.ofSeconds(30), Duration.ofSeconds(60)))
        .budget(RetryBudget.unlimited())
        .build();
    LoadBalancer hedged = LoadBalancer.builder(ServerPool.of(SERVERS))
        .strategy(Strategies.roundRobin())
        .health(health)
        .failover(Failover.hedged(Duration.ZERO).maxAttempts(3))
        .budget(RetryBudget.unlimited())
        .build();
    CountDownLatch never = new CountDownLatch(1);
    List<Thread> started = new ArrayList<>();
    try {
      assertThat(failBack.<String, Exception>execute(Request.IDEMPOTENT, s -> {
        throw new IOException("down");
      })).isEqualTo("later");
      assertThat(failBack.pendingRetries()).isEqualTo(1);
      AtomicInteger firstCopies = new AtomicInteger();
      for (int i = 0; i < 5; i++) {
        assertThat(hedged.<String, Exception>execute(Request.IDEMPOTENT, s -> {
          if (firstCopies.getAndIncrement() % 3 == 0) {
            never.await(20, TimeUnit.SECONDS); // loses the race, interrupted when cancelled
          }
          return "ok";
        })).isEqualTo("ok");
      }
      // Checks run on the monitors' scheduler threads: wait until each server was checked.
      assertThat(Await.until(() -> checks.get() >= 3 * SERVERS.size(), Duration.ofSeconds(10)))
          .as("active checks ran").isTrue();
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        if (!before.contains(t) && t.getName().startsWith("lbkit")) {
          started.add(t);
        }
      }
    } finally {
      failBack.close();
      hedged.close();
      monitor.close();
      never.countDown();
    }

    List<String> names = new ArrayList<>();
    for (Thread t : started) {
      names.add(t.getName());
    }
    assertThat(names).as("lbkit threads that ran").anyMatch(n -> n.startsWith("lbkit-health-"))
        .anyMatch(n -> n.contains("-timer-")).anyMatch(n -> n.contains("-call-"));
    List<String> alive = new ArrayList<>();
    for (Thread t : started) {
      t.join(10_000);
      if (t.isAlive()) {
        alive.add(t.getName());
      }
    }
    assertThat(alive).as("lbkit threads alive after close()").isEmpty();
    assertThat(failBack.pendingRetries()).isZero();
    int checksAtClose = checks.get();
    assertThatThrownBy(hedged::choose).isInstanceOf(NoServerAvailableException.class)
        .extracting(e -> ((NoServerAvailableException) e).reason())
        .isEqualTo(NoServerAvailableException.Reason.CLOSED);
    assertThat(checks.get()).as("no check after close").isEqualTo(checksAtClose);
  }
}
