package io.lbkit.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.lbkit.Attempt;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.ServerState;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.strategy.Strategies;
import io.lbkit.testing.ManualScheduler;
import io.lbkit.testing.ManualTicker;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The README's Health section snippets, as they are there, compiled and run. */
class ReadmeHealthTest {
  private final ServerPool pool = ServerPool.of(Server.of("10.0.0.1", 8080),
      Server.of("10.0.0.2", 8080), Server.of("10.0.0.3", 8080));

  @Test
  void theGroupedConfigSnippetBuildsAMonitorWithEveryGroupAsWritten() {
    HttpClient client = HttpClient.newHttpClient();
    ManualScheduler scheduler = new ManualScheduler(new ManualTicker());
    List<Server> ejected = new CopyOnWriteArrayList<>();
    HealthListener listener = new HealthListener() {
      @Override
      public void onEjected(Server s, EjectionReason r, Duration d) {
        ejected.add(s);
      }
    };
    CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();

    HealthConfig health = HealthConfig.builder()                   // starts from the defaults
        .consecutiveFailures(ConsecutiveFailures.of(5))
        .successRate(SuccessRate.builder().requestVolume(100).minimumHosts(5).stdevFactor(1.9).build())
        .failurePercentage(FailurePercentage.defaults())
        .latency(LatencyEjection.builder().factor(5).build())
        .ejection(EjectionLimits.builder().baseTime(Duration.ofSeconds(30)).maxPercent(10).build())
        .circuitBreaker(CircuitBreakerConfig.ofDefaults())        // resilience4j's config
        .activeChecks(ActiveChecks.builder(HttpHealthCheck.get(client, "/health")).rise(2).fall(3).build())
        .slowStart(SlowStart.over(Duration.ofSeconds(30)))
        .panic(Panic.below(50))
        .build();
    HealthMonitor monitor = HealthMonitor.builder(pool)            // runtime objects go here, not in
        .config(health).scheduler(scheduler).listener(listener)   // the config: ticker, random,
        .breakerRegistry(registry).build();                        // scheduler, listeners, registry

    try (monitor) {
      assertThat(health.consecutiveFailures()).contains(ConsecutiveFailures.of(5));
      assertThat(health.panic()).contains(Panic.below(50));
      assertThat(monitor.breakerRegistry()).isSameAs(registry);
      Server a = pool.servers().get(0);
      Fixtures.fail(monitor, a, 5);
      assertThat(ejected).containsExactly(a);
    }
  }

  @Test
  void theTestingSnippetEjectsAndRestoresOnTheManualClock() throws IOException {
    ManualTicker ticker = new ManualTicker();
    ManualScheduler scheduler = new ManualScheduler(ticker);    // runs tasks only when told to
    ServerPool one = ServerPool.of(Server.of("10.0.0.1", 8080));
    LoadBalancer lb = LoadBalancer.builder(one).strategy(Strategies.roundRobin())
        .ticker(ticker).scheduler(scheduler).executor(Runnable::run)   // no thread of its own
        .build();
    for (int i = 0; i < 5; i++) {                               // five failures in a row...
      try (Attempt a = lb.begin()) {
        a.failure(new IOException("connection reset"));
      }
    }
    boolean out = !lb.tracker().isAvailable(one.servers().get(0));     // ejected: true
    scheduler.advance(Duration.ofSeconds(30));                  // ...and 30 s later it is back

    assertThat(out).isTrue();
    assertThat(lb.tracker().isAvailable(one.servers().get(0))).isTrue();
    assertThat(lb.tracker().stats(one.servers().get(0)).state()).isNotEqualTo(ServerState.EJECTED);
    lb.close();
  }
}
