package io.lbkit.reliability;

import io.lbkit.Attempt;
import io.lbkit.Request;
import io.lbkit.internal.TrackedAttempt;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.lbkit.testing.ManualTicker;
import io.lbkit.RandomSource;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.failover.Failover;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.failover.RetryBudget;
import io.lbkit.health.HealthConfig;
import io.lbkit.health.HealthMonitor;
import io.lbkit.strategy.Strategies;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Guarantee 6: every breaker permission the balancer takes ends in a success, a failure or a
 * release, and in-flight counts return to 0 once every call has ended, including the copies that
 * lose a hedge or fork race and calls the caller cancels.
 *
 * <p>Server A's breaker is held HALF_OPEN with 2 probe permits, and every copy sent to A loses
 * and is cancelled: a permission never given back would shut A out for good after two copies,
 * so A being tried a third time (and still admitting probes at the end) is the breaker's own
 * proof that its permits come back.
 */
class PermissionAccountingTest {
  private static final Server A = Server.of("10.0.0.1", 80);
  private static final Server B = Server.of("10.0.0.2", 80);
  private static final Server C = Server.of("10.0.0.3", 80);
  private static final int HALF_OPEN_PERMITS = 2;

  private final ManualTicker ticker = new ManualTicker();
  private final ServerPool pool = ServerPool.of(A, B, C);
  private HealthMonitor monitor;
  private CountingTracker counting;
  private final CountDownLatch never = new CountDownLatch(1);
  private final AtomicInteger callsOnA = new AtomicInteger();

  @BeforeEach
  void halfOpenA() {
    monitor = HealthMonitor.builder(pool).config(HealthConfig.builder()
        .noConsecutiveFailures()
        .circuitBreaker(CircuitBreakerConfig.custom()
            .permittedNumberOfCallsInHalfOpenState(HALF_OPEN_PERMITS)
            .build())
        .build()).ticker(ticker).random(RandomSource.seeded(3)).build();
    counting = new CountingTracker(monitor);
    CircuitBreaker breaker = monitor.circuitBreaker(A);
    breaker.transitionToOpenState();
    breaker.transitionToHalfOpenState();
  }

  @AfterEach
  void close() {
    never.countDown();
    monitor.close();
  }

  private LoadBalancer balancer(Failover failover) {
    return LoadBalancer.builder(pool).rebuildExecutor(Runnable::run)
        .strategy(Strategies.roundRobin())
        .tracker(counting)
        .failover(failover)
        .budget(RetryBudget.unlimited())
        .ticker(ticker)
        .random(RandomSource.seeded(8))
        .build();
  }

  /** A blocks until interrupted (the losing copy); B and C answer at once. */
  private String slowOnA(Server s) throws InterruptedException {
    if (s.equals(A)) {
      callsOnA.incrementAndGet();
      never.await(20, TimeUnit.SECONDS);
      return "late";
    }
    return "ok";
  }

  @Test
  void hedgesThatLoseGiveBackTheirPermissionAndInFlight() throws Exception {
    try (LoadBalancer lb = balancer(Failover.hedged(Duration.ZERO).maxAttempts(3))) {
      for (int i = 0; i < 60; i++) {
        assertThat(lb.<String, Exception>execute(Request.IDEMPOTENT, this::slowOnA)).isEqualTo("ok");
      }
    }
    assertEveryPermissionEnded(HALF_OPEN_PERMITS + 1);
  }

  @Test
  void forksThatLoseGiveBackTheirPermissionAndInFlight() throws Exception {
    try (LoadBalancer lb = balancer(Failover.forking(3))) {
      for (int i = 0; i < 60; i++) {
        assertThat(lb.<String, Exception>execute(Request.IDEMPOTENT, this::slowOnA)).isEqualTo("ok");
      }
    }
    assertEveryPermissionEnded(HALF_OPEN_PERMITS + 1);
  }

  @Test
  void cancellingAnAsyncCallEndsEveryCopyInFlight() throws Exception {
    try (LoadBalancer lb = balancer(Failover.hedged(Duration.ZERO).maxAttempts(3))) {
      for (int i = 0; i < 30; i++) {
        AtomicInteger started = new AtomicInteger();
        CompletableFuture<String> f = lb.executeAsync(Request.IDEMPOTENT, s -> {
          if (s.equals(A)) {
            callsOnA.incrementAndGet();
          }
          started.incrementAndGet();
          return new CompletableFuture<>(); // never answers
        });
        assertThat(Await.until(() -> started.get() == 3, Duration.ofSeconds(10))).isTrue();
        f.cancel(true);
      }
    }
    assertEveryPermissionEnded(HALF_OPEN_PERMITS + 1);
  }

  @Test
  void concurrentRetriesEndEveryPermission() throws Exception {
    AtomicReference<Throwable> unexpected = new AtomicReference<>();
    try (LoadBalancer lb = balancer(Failover.retry(3).noBackoff())) {
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        threads.add(new Thread(() -> {
          for (int i = 0; i < 200; i++) {
            try {
              lb.execute(Request.IDEMPOTENT, s -> {
                if (s.equals(A)) {
                  callsOnA.incrementAndGet();
                  throw new IOException("A resets");
                }
                return "ok";
              });
            } catch (Throwable e) {
              unexpected.compareAndSet(null, e);
            }
          }
        }, "retrying-" + t));
      }
      threads.forEach(Thread::start);
      for (Thread t : threads) {
        t.join(30_000);
      }
    }
    assertThat(unexpected.get()).isNull();
    assertThat(counting.failures.get()).isEqualTo(callsOnA.get());
    assertEveryPermissionEnded(0);
  }

  private void assertEveryPermissionEnded(int minimumCallsOnA) {
    assertThat(Await.until(() -> counting.openPermits() == 0
        && counting.starts.get() == counting.ends(), Duration.ofSeconds(10)))
        .as("permits %d, starts %d, ends %d", counting.permits.get(), counting.starts.get(),
            counting.ends())
        .isTrue();
    assertThat(counting.permits.get()).isPositive();
    for (Server s : List.of(A, B, C)) {
      assertThat(monitor.stats(s).inFlight()).as("in flight on %s", s).isZero();
    }
    assertThat(callsOnA.get()).isGreaterThanOrEqualTo(minimumCallsOnA);
    // A's breaker still admits probes: none of its permits leaked.
    CircuitBreaker breaker = monitor.circuitBreaker(A);
    if (breaker.getState() == CircuitBreaker.State.HALF_OPEN) {
      Attempt p1 = TrackedAttempt.tryStart(monitor, A);
      Attempt p2 = TrackedAttempt.tryStart(monitor, A);
      assertThat(p1).isNotNull();
      assertThat(p2).isNotNull();
      p1.cancel();
      p2.cancel();
    }
  }
}
