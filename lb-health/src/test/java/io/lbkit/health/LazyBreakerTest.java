package io.lbkit.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.lbkit.HealthTracker;
import io.lbkit.RandomSource;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.testing.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A server's breaker is made when first needed (its own registry, a count-based window): the
 * successes before are replayed, so every state, move and figure is the one a breaker made at
 * the join reaches. Compared call by call against a monitor whose breakers are all made at the
 * join (a registry given to the builder keeps them so).
 */
class LazyBreakerTest {
  private static final CircuitBreakerConfig CB = CircuitBreakerConfig.custom()
      .slidingWindowSize(10).minimumNumberOfCalls(5).failureRateThreshold(40)
      .slowCallDurationThreshold(Duration.ofMillis(100)).slowCallRateThreshold(50)
      .waitDurationInOpenState(Duration.ofSeconds(2)).permittedNumberOfCallsInHalfOpenState(2)
      .build();

  /** One monitor on its own ticker, with the moves its listener saw. */
  private static final class Run {
    final ManualTicker ticker = new ManualTicker();
    final List<Server> servers = Fixtures.servers(6);
    final ServerPool pool = ServerPool.of(servers);
    final List<String> moves = new ArrayList<>();
    final HealthMonitor monitor;

    Run(CircuitBreakerRegistry given) {
      HealthMonitor.Builder b = HealthMonitor.builder(pool).ticker(ticker)
          .random(RandomSource.seeded(3))
          .config(HealthConfig.builder().noConsecutiveFailures().noSuccessRate()
              .noFailurePercentage().noLatency().noSlowStart().noPanic().circuitBreaker(CB)
              .build())
          .listener(new HealthListener() {
            @Override
            public void onBreakerStateChanged(Server s, CircuitBreaker.State from,
                CircuitBreaker.State to) {
              moves.add(s.host() + " " + from + "->" + to);
            }
          });
      if (given != null) {
        b.breakerRegistry(given);
      }
      monitor = b.build();
    }

    /** One call on server {@code i}: latency, outcome; its permit as a selector would take it. */
    void call(int i, long latencyNanos, boolean ok) {
      Server s = servers.get(i);
      HealthTracker.Permit p = monitor.tryAcquirePermission(s);
      if (p == HealthTracker.Permit.REFUSED) {
        return;
      }
      long start = monitor.onStart(s);
      ticker.advanceNanos(latencyNanos);
      if (ok) {
        monitor.onSuccess(s, start, p);
      } else {
        monitor.onFailure(s, start, p, new RuntimeException());
      }
    }

    String availability() {
      StringBuilder b = new StringBuilder();
      for (Server s : servers) {
        b.append(monitor.isAvailable(s) ? '+' : '-');
      }
      return b.toString();
    }
  }

  @Test
  void aBreakerMadeWhenFirstNeededMovesExactlyAsOneMadeAtTheJoin() {
    Run lazy = new Run(null);
    Run eager = new Run(CircuitBreakerRegistry.ofDefaults());
    assertThat(eager.monitor.breakersMade()).isEqualTo(6);
    assertThat(lazy.monitor.breakersMade()).isZero();
    SplittableRandom r = new SplittableRandom(42);
    for (int step = 0; step < 20_000; step++) {
      int i = r.nextInt(6);
      // server 0 never fails and is never slow; the others each have their own failure odds
      double failing = i == 0 ? 0 : i * 0.08;
      boolean ok = r.nextDouble() >= failing;
      long latency = i != 0 && r.nextDouble() < 0.05 ? TimeUnit.MILLISECONDS.toNanos(150)
          : TimeUnit.MILLISECONDS.toNanos(r.nextInt(5));
      lazy.call(i, latency, ok);
      eager.call(i, latency, ok);
      assertThat(lazy.availability()).as("step %d", step).isEqualTo(eager.availability());
      if (step % 997 == 0) {
        lazy.monitor.tick();
        eager.monitor.tick();
      }
    }
    assertThat(lazy.moves).isEqualTo(eager.moves).isNotEmpty();
    assertThat(lazy.monitor.breakersMade()).isEqualTo(5); // server 0 never needed one
    for (Server s : lazy.servers) {
      CircuitBreaker.Metrics a = lazy.monitor.circuitBreaker(s).getMetrics();
      CircuitBreaker.Metrics b = eager.monitor.circuitBreaker(s).getMetrics();
      assertThat(lazy.monitor.circuitBreaker(s).getState()).as(s.host())
          .isEqualTo(eager.monitor.circuitBreaker(s).getState());
      assertThat(new long[] {a.getNumberOfSuccessfulCalls(), a.getNumberOfFailedCalls(),
          a.getNumberOfSlowCalls(), a.getNumberOfNotPermittedCalls()}).as(s.host())
          .containsExactly(b.getNumberOfSuccessfulCalls(), b.getNumberOfFailedCalls(),
              b.getNumberOfSlowCalls(), b.getNumberOfNotPermittedCalls());
    }
  }

  @Test
  void askingForTheRegistryMakesEveryBreakerThenAndAtEveryLaterJoin() {
    Run lazy = new Run(null);
    lazy.call(0, 1_000, true);
    assertThat(lazy.monitor.breakersMade()).isZero();
    CircuitBreakerRegistry registry = lazy.monitor.breakerRegistry();
    assertThat(registry.getAllCircuitBreakers()).hasSize(6);
    assertThat(registry.find(lazy.servers.get(0).id()).orElseThrow().getMetrics()
        .getNumberOfSuccessfulCalls()).isEqualTo(1);
    Server late = Server.of("10.0.1.1", 8080);
    lazy.pool.add(late);
    assertThat(registry.find(late.id())).containsSame(lazy.monitor.circuitBreaker(late));
    lazy.monitor.close();
  }

  @Test
  void noSuccessIsLostWhileAnotherThreadMakesTheBreaker() throws Exception {
    ServerPool pool = ServerPool.of(Fixtures.servers(1));
    Server a = pool.servers().get(0);
    try (HealthMonitor m = HealthMonitor.builder(pool).ticker(new ManualTicker())
        .config(HealthConfig.builder().noConsecutiveFailures().circuitBreaker(
            CircuitBreakerConfig.custom().slidingWindowSize(10_000).build()).build())
        .build()) {
      int threads = 4;
      int each = 2_000;
      java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
      List<Thread> running = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int me = t;
        Thread th = new Thread(() -> {
          try {
            start.await();
          } catch (Exception e) {
            throw new AssertionError(e);
          }
          for (int i = 0; i < each; i++) {
            if (me == 0 && i == each / 2) {
              Fixtures.fail(m, a, 1); // makes the breaker while the others count successes
            }
            Fixtures.succeed(m, a, 1);
          }
        });
        th.start();
        running.add(th);
      }
      for (Thread th : running) {
        th.join();
      }
      CircuitBreaker.Metrics metrics = m.circuitBreaker(a).getMetrics();
      assertThat(metrics.getNumberOfSuccessfulCalls()).isEqualTo(threads * each);
      assertThat(metrics.getNumberOfFailedCalls()).isEqualTo(1);
    }
  }

  @Test
  void aTimeBasedWindowGetsItsBreakerAtTheJoin() {
    ServerPool pool = ServerPool.of(Fixtures.servers(3));
    try (HealthMonitor m = HealthMonitor.builder(pool).ticker(new ManualTicker())
        .config(HealthConfig.builder().circuitBreaker(CircuitBreakerConfig.custom()
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.TIME_BASED).build())
            .build())
        .build()) {
      assertThat(m.breakersMade()).isEqualTo(3);
    }
  }
}
