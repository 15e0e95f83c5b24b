package io.lbkit.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.lbkit.Attempt;
import io.lbkit.NoServerAvailableException;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.failover.Failover;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.failover.RetryBudget;
import io.lbkit.health.ConsecutiveFailures;
import io.lbkit.health.EjectionLimits;
import io.lbkit.health.HealthConfig;
import io.lbkit.health.HealthMonitor;
import io.lbkit.health.Panic;
import io.lbkit.health.SlowStart;
import io.lbkit.strategy.Strategies;
import io.lbkit.testing.ManualScheduler;
import io.lbkit.testing.ManualTicker;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each meter read from a SimpleMeterRegistry, with exact values on a fake ticker. */
class LbkitMetricsTest {
  private static final Duration GRACE = Duration.ofMinutes(5);

  private final ManualTicker ticker = new ManualTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final Server a = Server.of("10.0.0.1", 8080);
  private final Server b = Server.of("10.0.0.2", 8080);
  private final Server c = Server.of("10.0.0.3", 8080);
  private final ServerPool pool = ServerPool.of(a, b, c);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private LoadBalancer lb;
  private LbkitMetrics metrics;

  @AfterEach
  void close() {
    if (metrics != null) {
      metrics.close();
    }
    if (lb != null) {
      lb.close();
    }
  }

  /** Ejection after 2 failures in a row, for any share of the pool; nothing else on. */
  private static HealthConfig.Builder plainHealth() {
    return HealthConfig.builder().consecutiveFailures(ConsecutiveFailures.of(2))
        .noSuccessRate().noFailurePercentage().noLatency().noCircuitBreaker().noSlowStart()
        .noActiveChecks().noPanic().stateGracePeriod(GRACE)
        .ejection(EjectionLimits.builder().maxPercent(100).build());
  }

  private LoadBalancer.Builder balancer(HealthConfig health, Failover failover) {
    return LoadBalancer.builder(pool).strategy(Strategies.roundRobin()).health(health)
        .failover(failover).ticker(ticker).random(RandomSource.seeded(42))
        .scheduler(scheduler).executor(Runnable::run).rebuildExecutor(Runnable::run);
  }

  private void bind(LoadBalancer.Builder builder) {
    lb = builder.build();
    metrics = LbkitMetrics.of(lb, "inventory");
    metrics.bindTo(registry);
  }

  private double counter(String name, String... tags) {
    return registry.get(name).tag("service", "inventory").tags(tags).functionCounter().count();
  }

  private double gauge(String name, String... tags) {
    return registry.get(name).tag("service", "inventory").tags(tags).gauge().value();
  }

  /** Two failures in a row: an ejection under {@link #plainHealth()}. */
  private void failTwice(Server s) {
    for (int i = 0; i < 2; i++) {
      lb.tracker().onFailure(s, lb.tracker().onStart(s), new IOException("reset"));
    }
  }

  private List<Meter> serverMeters(Server s) {
    return registry.getMeters().stream()
        .filter(m -> s.id().equals(m.getId().getTag("server"))).toList();
  }

  @Test
  void retriesAndBudgetRefusalsAreCountedExactlyForAKnownFailurePattern() throws Exception {
    // Starts full at 4 and admits extras while above 2; each failed attempt costs 1.
    bind(balancer(plainHealth().noConsecutiveFailures().build(), Failover.retry(3))
        .budget(RetryBudget.tokenBucket(4, 0.001)));
    // Call 1: the first server refuses the connection, the next one answers.
    List<Server> tried = new ArrayList<>();
    String r = lb.execute(Request.IDEMPOTENT, s -> {
      tried.add(s);
      if (tried.size() == 1) {
        throw new ConnectException("refused");
      }
      return "ok";
    });
    assertThat(r).isEqualTo("ok");
    assertThat(counter("lbkit.attempts", "kind", "first")).isEqualTo(1);
    assertThat(counter("lbkit.attempts", "kind", "retry")).isEqualTo(1);
    // Tokens 3.001 now. Call 2 fails everywhere: first (2.001 left), a retry (1.001), and the
    // next retry refused.
    assertThatThrownBy(() -> lb.execute(Request.IDEMPOTENT, s -> {
      tried.add(s);
      throw new IOException("reset");
    })).isInstanceOf(IOException.class);
    assertThat(tried).hasSize(4);
    assertThat(counter("lbkit.attempts", "kind", "first")).isEqualTo(2);
    assertThat(counter("lbkit.attempts", "kind", "retry")).isEqualTo(2);
    assertThat(counter("lbkit.retry.budget.refusals", "kind", "retry")).isEqualTo(1);
    assertThat(counter("lbkit.retry.budget.refusals", "kind", "hedge")).isZero();
    for (String kind : List.of("hedge", "fork", "fail_back", "broadcast")) {
      assertThat(counter("lbkit.attempts", "kind", kind)).as(kind).isZero();
    }
    // Per server, as tried: a failure, a success, then call 2's two failures.
    Map<String, Integer> failures = new HashMap<>();
    for (int i : new int[] {0, 2, 3}) {
      failures.merge(tried.get(i).id(), 1, Integer::sum);
    }
    for (Server s : List.of(a, b, c)) {
      assertThat(counter("lbkit.server.requests", "server", s.id(), "outcome", "failure"))
          .as(s.id()).isEqualTo((double) failures.getOrDefault(s.id(), 0));
      assertThat(counter("lbkit.server.requests", "server", s.id(), "outcome", "success"))
          .as(s.id()).isEqualTo(s.equals(tried.get(1)) ? 1.0 : 0.0);
    }
  }

  @Test
  void forksAndBroadcastsAreCountedByKind() {
    bind(balancer(plainHealth().build(), Failover.forking(2))
        .budget(RetryBudget.unlimited()));
    List<CompletableFuture<String>> copies = new ArrayList<>();
    CompletableFuture<String> call = lb.executeAsync(Request.IDEMPOTENT, s -> {
      CompletableFuture<String> f = new CompletableFuture<>();
      copies.add(f);
      return f;
    });
    copies.forEach(f -> f.complete("ok"));
    assertThat(call.join()).isEqualTo("ok");
    assertThat(counter("lbkit.attempts", "kind", "first")).isEqualTo(1);
    assertThat(counter("lbkit.attempts", "kind", "fork")).isEqualTo(1);
    lb.close();
    metrics.close();

    SimpleMeterRegistry other = new SimpleMeterRegistry();
    lb = balancer(plainHealth().build(), Failover.broadcast()).build();
    metrics = LbkitMetrics.of(lb, "inventory");
    metrics.bindTo(other);
    lb.execute(Request.IDEMPOTENT, s -> "ok");
    assertThat(other.get("lbkit.attempts").tag("kind", "first").functionCounter().count())
        .isEqualTo(1);
    assertThat(other.get("lbkit.attempts").tag("kind", "broadcast").functionCounter().count())
        .isEqualTo(2);
  }

  @Test
  void serverStatesEjectionsAndInFlightFollowTheMonitor() {
    bind(balancer(plainHealth().build(), Failover.failFast()));
    assertThat(gauge("lbkit.servers", "state", "healthy")).isEqualTo(3);
    assertThat(gauge("lbkit.servers", "state", "ejected")).isZero();
    Attempt open = lb.begin();
    assertThat(gauge("lbkit.server.in.flight", "server", open.server().id())).isEqualTo(1);
    open.close();
    assertThat(gauge("lbkit.server.in.flight", "server", open.server().id())).isZero();

    failTwice(b);
    assertThat(gauge("lbkit.servers", "state", "healthy")).isEqualTo(2);
    assertThat(gauge("lbkit.servers", "state", "ejected")).isEqualTo(1);
    assertThat(counter("lbkit.ejections", "reason", "consecutive_failures")).isEqualTo(1);
    assertThat(counter("lbkit.ejections", "reason", "success_rate")).isZero();

    pool.drain(c);
    assertThat(gauge("lbkit.servers", "state", "drained")).isEqualTo(1);
    assertThat(gauge("lbkit.servers", "state", "healthy")).isEqualTo(1);
    assertThat(gauge("lbkit.panic")).isZero();
  }

  @Test
  void slowStartPanicAndBreakersAreGauged() {
    CircuitBreakerConfig breaker = CircuitBreakerConfig.custom().slidingWindowSize(2)
        .minimumNumberOfCalls(2).failureRateThreshold(50)
        .waitDurationInOpenState(Duration.ofSeconds(10)).build();
    bind(balancer(plainHealth().noConsecutiveFailures().circuitBreaker(breaker)
        .slowStart(SlowStart.over(Duration.ofSeconds(30))).panic(Panic.below(50)).build(),
        Failover.failFast()));
    pool.add(Server.of("10.0.0.4", 8080));
    assertThat(gauge("lbkit.servers", "state", "slow_start")).isEqualTo(1);
    assertThat(gauge("lbkit.servers", "state", "healthy")).isEqualTo(3);

    for (Server s : List.of(a, b, c)) {
      failTwice(s);
    }
    assertThat(gauge("lbkit.breakers", "state", "open")).isEqualTo(3);
    assertThat(gauge("lbkit.breakers", "state", "half_open")).isZero();
    lb.choose(); // the rebuild after the breakers opened found 1 of 4 up: panic
    assertThat(gauge("lbkit.panic")).isEqualTo(1);
  }

  @Test
  void refusalsAreCountedByReason() {
    bind(balancer(plainHealth().build(), Failover.failFast()));
    pool.update(List.of());
    assertThatThrownBy(() -> lb.choose()).isInstanceOf(NoServerAvailableException.class);
    assertThatThrownBy(() -> lb.execute(s -> "never"))
        .isInstanceOf(NoServerAvailableException.class);
    assertThat(counter("lbkit.refusals", "reason", "empty_pool")).isEqualTo(2);
    assertThat(counter("lbkit.refusals", "reason", "all_ejected")).isZero();
    assertThat(counter("lbkit.pool.updates")).isEqualTo(1);
    // The first picker, and the one over the empty pool.
    assertThat(counter("lbkit.picker.publications")).isEqualTo(2);
  }

  @Test
  void ewmaLatencyIsNanUntilTheFirstCallEnds() {
    bind(balancer(plainHealth().build(), Failover.failFast()));
    double before = registry.get("lbkit.server.latency.ewma").tag("server", a.id()).timeGauge()
        .value(TimeUnit.MILLISECONDS);
    assertThat(before).isNaN();
    long t = lb.tracker().onStart(a);
    ticker.advance(Duration.ofMillis(20));
    lb.tracker().onSuccess(a, t);
    assertThat(registry.get("lbkit.server.latency.ewma").tag("server", a.id()).timeGauge()
        .value(TimeUnit.NANOSECONDS)).isEqualTo(lb.tracker().stats(a).ewmaLatencyNanos())
        .isPositive();
  }

  @Test
  void aServerThatLeftHealthyLosesItsMetersAtOnce() {
    bind(balancer(plainHealth().build(), Failover.failFast()));
    assertThat(serverMeters(a)).hasSize(4);
    pool.remove(a);
    assertThat(serverMeters(a)).isEmpty();
    assertThat(serverMeters(b)).hasSize(4);
    pool.add(a);
    assertThat(serverMeters(a)).hasSize(4);
  }

  @Test
  void anEjectedServerKeepsItsMetersForTheGracePeriodAndLosesThemAfter() {
    bind(balancer(plainHealth().build(), Failover.failFast()));
    failTwice(a);
    pool.remove(a);
    assertThat(serverMeters(a)).hasSize(4);
    ticker.advance(GRACE.minusSeconds(1));
    ((HealthMonitor) lb.tracker()).tick();
    assertThat(serverMeters(a)).hasSize(4);
    ticker.advance(Duration.ofSeconds(2));
    ((HealthMonitor) lb.tracker()).tick();
    assertThat(serverMeters(a)).isEmpty();
    assertThat(serverMeters(b)).hasSize(4);
  }

  @Test
  void aServerBackWithinTheGracePeriodKeepsItsMeters() {
    bind(balancer(plainHealth().build(), Failover.failFast()));
    failTwice(a);
    pool.remove(a);
    ticker.advance(Duration.ofMinutes(1));
    pool.add(a);
    ticker.advance(GRACE);
    ((HealthMonitor) lb.tracker()).tick();
    assertThat(serverMeters(a)).hasSize(4);
  }

  @Test
  void theAttemptTimerIsOptInAndRecordsEachAttemptByKindAndOutcome() throws Exception {
    lb = balancer(plainHealth().noConsecutiveFailures().build(), Failover.retry(2))
        .budget(RetryBudget.unlimited()).build();
    LbkitMetrics plain = LbkitMetrics.of(lb, "inventory");
    SimpleMeterRegistry untimed = new SimpleMeterRegistry();
    plain.bindTo(untimed);
    metrics = LbkitMetrics.builder(lb, "inventory").attemptTimer().build();
    metrics.bindTo(registry);
    int[] calls = new int[1];
    lb.execute(Request.IDEMPOTENT, s -> {
      boolean first = calls[0]++ == 0;
      ticker.advance(Duration.ofMillis(first ? 5 : 7));
      if (first) {
        throw new ConnectException("refused");
      }
      return "ok";
    });
    Timer notSent = registry.get("lbkit.attempt.duration").tags("kind", "first",
        "outcome", "not_sent").timer();
    Timer retried = registry.get("lbkit.attempt.duration").tags("kind", "retry",
        "outcome", "success").timer();
    assertThat(notSent.count()).isEqualTo(1);
    assertThat(notSent.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(5);
    assertThat(retried.count()).isEqualTo(1);
    assertThat(retried.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(7);
    lb.begin().close();
    assertThat(registry.get("lbkit.attempt.duration").tags("kind", "first",
        "outcome", "cancelled").timer().count()).isEqualTo(1);
    assertThat(untimed.find("lbkit.attempt.duration").meters()).isEmpty();
    plain.close();
  }

  @Test
  void closeRemovesEveryMeterAndAClosedBinderRefusesToBind() {
    bind(balancer(plainHealth().build(), Failover.failFast()));
    assertThat(registry.getMeters()).isNotEmpty();
    metrics.close();
    assertThat(registry.getMeters()).isEmpty();
    pool.add(Server.of("10.0.0.9", 8080));
    assertThat(registry.getMeters()).isEmpty();
    assertThatThrownBy(() -> metrics.bindTo(registry)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void badArgumentsAreRefusedWithTheirName() {
    lb = balancer(plainHealth().build(), Failover.failFast()).build();
    assertThatThrownBy(() -> LbkitMetrics.of(lb, " "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("service");
    assertThatThrownBy(() -> LbkitMetrics.of(null, "inventory"))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("balancer");
  }

  @Test
  void theBreakerRegistryBindsThroughResilience4jMicrometerUnchanged() {
    bind(balancer(HealthConfig.defaults(), Failover.failFast()));
    TaggedCircuitBreakerMetrics
        .ofCircuitBreakerRegistry(((HealthMonitor) lb.tracker()).breakerRegistry())
        .bindTo(registry);
    assertThat(registry.find("resilience4j.circuitbreaker.state").tag("name", a.id()).gauges())
        .isNotEmpty();
  }
}
