package io.lbkit.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.testing.ManualTicker;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.failover.Failover;
import io.lbkit.failover.FailBack;
import io.lbkit.failover.Hedged;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.failover.Retry;
import io.lbkit.failover.RetryBudget;
import io.lbkit.health.ActiveChecks;
import io.lbkit.health.ConsecutiveFailures;
import io.lbkit.health.EjectionLimits;
import io.lbkit.health.HealthConfig;
import io.lbkit.health.LatencyEjection;
import io.lbkit.health.SlowStart;
import io.lbkit.health.HealthMonitor;
import io.lbkit.strategy.ConsistentHashConfig;
import io.lbkit.strategy.Strategies;
import io.lbkit.strategy.ZoneAwareConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Guarantee 9: invalid configuration or pool content is rejected when given, with a message in
 * the shape {@code "field: value (expected: ...)"}, and nothing changes. Each row gives the
 * exception type, the exact message, and a view of the state the bad input could have touched
 * (the pool's snapshot, the builder's settings, the mode or the balancer) that must read the
 * same before and after.
 */
class BadInputTableTest {
  private static final Server A = Server.of("10.0.0.1", 8080);
  private static final Server B = Server.of("10.0.0.2", 8080);

  /** One row: where, what, the expected rejection, and the state that must not change. */
  record Case(String area, String input, Class<? extends Throwable> type, String message,
      Supplier<Object> state, ThrowingCallable action) {}

  static List<Case> table() {
    List<Case> t = new ArrayList<>();
    server(t);
    pool(t);
    request(t);
    strategies(t);
    health(t);
    failover(t);
    budget(t);
    return t;
  }

  @TestFactory
  Stream<DynamicTest> everyBadInputIsRejectedWithItsMessageAndChangesNothing() {
    return table().stream().map(c -> DynamicTest.dynamicTest(c.area() + ": " + c.input(), () -> {
      Object before = c.state().get();
      assertThatThrownBy(c.action()).isExactlyInstanceOf(c.type()).hasMessage(c.message());
      assertThat(c.state().get()).as("state after the rejected input").isEqualTo(before);
    }));
  }

  @Test
  void theTableCoversEveryAreaWithAtLeastTwentyFiveCases() {
    List<Case> t = table();
    Set<String> areas = new TreeSet<>();
    for (Case c : t) {
      areas.add(c.area());
    }
    assertThat(t).hasSizeGreaterThanOrEqualTo(25);
    assertThat(areas).containsExactlyInAnyOrder("Server", "ServerPool", "Request",
        "strategy config", "HealthConfig", "Failover", "RetryBudget");
    // Every failover mode has a row of its own.
    assertThat(t.stream().filter(c -> c.area().equals("Failover")).map(Case::input)
        .map(s -> s.substring(0, s.indexOf(':')))).contains("failFast", "retry", "failSafe",
        "failBack", "forking", "broadcast", "primaryBackup", "hedged", "readWrite");
  }

  private static void server(List<Case> t) {
    Server.Builder b = Server.builder("10.0.0.9", 80).weight(5).priority(1).id("nine")
        .metadata("role", "replica");
    Supplier<Object> built = () -> b.build();
    t.add(new Case("Server", "port 0", IllegalArgumentException.class,
        "port: 0 (expected: 1..65535)", built, () -> Server.of("10.0.0.9", 0)));
    t.add(new Case("Server", "port 65536", IllegalArgumentException.class,
        "port: 65536 (expected: 1..65535)", built, () -> Server.builder("h", 65536)));
    t.add(new Case("Server", "blank host", IllegalArgumentException.class,
        "host: \" \" (expected: non-blank)", built, () -> Server.of(" ", 80)));
    t.add(new Case("Server", "null host", NullPointerException.class,
        "host: null (expected: non-null)", built, () -> Server.of(null, 80)));
    t.add(new Case("Server", "weight -1", IllegalArgumentException.class,
        "weight: -1 (expected: >= 0)", built, () -> b.weight(-1)));
    t.add(new Case("Server", "priority MIN_VALUE", IllegalArgumentException.class,
        "priority: -2147483648 (expected: >= 0)", built, () -> b.priority(Integer.MIN_VALUE)));
    t.add(new Case("Server", "empty id", IllegalArgumentException.class,
        "id: \"\" (expected: non-blank)", built, () -> b.id("")));
    t.add(new Case("Server", "null metadata value", NullPointerException.class,
        "metadata[zone-hint]: null (expected: non-null)", built,
        () -> b.metadata("zone-hint", null)));
  }

  private static void pool(List<Case> t) {
    ServerPool pool = ServerPool.of(A, B);
    Supplier<Object> snapshot = pool::snapshot;
    t.add(new Case("ServerPool", "null list", NullPointerException.class,
        "servers: null (expected: non-null)", snapshot, () -> pool.update(null)));
    t.add(new Case("ServerPool", "null element", NullPointerException.class,
        "servers[1]: null (expected: non-null)", snapshot,
        () -> pool.update(Arrays.asList(A, null, B))));
    t.add(new Case("ServerPool", "duplicate id", IllegalArgumentException.class,
        "servers[2].id: \"10.0.0.1:8080\" (expected: unique within the pool)", snapshot,
        () -> pool.update(List.of(A, B, A.toBuilder().weight(9).build()))));
    t.add(new Case("ServerPool", "add a member's id again", IllegalArgumentException.class,
        "server.id: \"10.0.0.2:8080\" (expected: not already in the pool)", snapshot,
        () -> pool.add(B.toBuilder().zone("eu-1").build())));
    t.add(new Case("ServerPool", "remove null", NullPointerException.class,
        "server: null (expected: non-null)", snapshot, () -> pool.remove(null)));
  }

  private static void request(List<Case> t) {
    Request keyed = Request.withKey("user-42").excluding(A);
    Request.Builder b = Request.builder().key("user-7").idempotent(false);
    Supplier<Object> state = () -> keyed.excluded() + " " + keyed.key() + " " + b.build();
    t.add(new Case("Request", "empty key", IllegalArgumentException.class,
        "key: \"\" (expected: a non-empty string)", state, () -> b.key("")));
    t.add(new Case("Request", "exclude null", NullPointerException.class,
        "server: null (expected: non-null)", state, () -> keyed.excluding(null)));
    t.add(new Case("Request", "null attribute value", NullPointerException.class,
        "attribute[tenant]: null (expected: non-null)", state, () -> b.attribute("tenant", null)));
  }

  private static void strategies(List<Case> t) {
    ConsistentHashConfig.Builder ring = ConsistentHashConfig.builder().vnodesPerWeight(40);
    Supplier<Object> ringState = () -> ring.build().toString();
    t.add(new Case("strategy config", "consistentHash vnodesPerWeight 0",
        IllegalArgumentException.class, "vnodesPerWeight: 0 (expected: 1..65536)", ringState,
        () -> ring.vnodesPerWeight(0)));
    t.add(new Case("strategy config", "consistentHash boundedLoad 1.0",
        IllegalArgumentException.class, "boundedLoad: 1.0 (expected: > 1 and finite)",
        ringState, () -> ring.boundedLoad(1.0)));
    ZoneAwareConfig.Builder zone = ZoneAwareConfig.builder("eu-1").minLocalServers(2);
    Supplier<Object> zoneState = () -> zone.build().toString();
    t.add(new Case("strategy config", "zoneAware overprovisioningFactor 0.5",
        IllegalArgumentException.class, "overprovisioningFactor: 0.5 (expected: >= 1 and finite)",
        zoneState, () -> zone.overprovisioningFactor(0.5)));
    t.add(new Case("strategy config", "zoneAware minLocalServers 0",
        IllegalArgumentException.class, "minLocalServers: 0 (expected: >= 1)", zoneState,
        () -> zone.minLocalServers(0)));
    t.add(new Case("strategy config", "zoneAware blank zone", IllegalArgumentException.class,
        "localZone: \"\" (expected: non-blank)", zoneState, () -> ZoneAwareConfig.of("")));
    t.add(new Case("strategy config", "zoneAware null delegate", NullPointerException.class,
        "delegate: null (expected: non-null)", zoneState,
        () -> Strategies.zoneAware("eu-1", null)));
    // The factories below hold no state of their own: what must not change is a selector's pool.
    ServerPool pool = ServerPool.of(A, B);
    Supplier<Object> poolState = pool::snapshot;
    t.add(new Case("strategy config", "maglev tableSize 65536", IllegalArgumentException.class,
        "tableSize: 65536 (expected: a prime in 2..67108864)", poolState,
        () -> Strategies.maglev(65536)));
    t.add(new Case("strategy config", "subset size 0", IllegalArgumentException.class,
        "size: 0 (expected: > 0)", poolState,
        () -> Strategies.subset(0, "3", Strategies.roundRobin())));
    t.add(new Case("strategy config", "subset blank clientId", IllegalArgumentException.class,
        "clientId: \" \" (expected: non-blank)", poolState,
        () -> Strategies.subset(3, " ", Strategies.roundRobin())));
    t.add(new Case("strategy config", "leastConnections exactScanLimit -1",
        IllegalArgumentException.class, "exactScanLimit: -1 (expected: >= 0)", poolState,
        () -> Strategies.leastConnections(-1)));
    t.add(new Case("strategy config", "weightedLeastConnections bias NaN",
        IllegalArgumentException.class, "activeRequestBias: NaN (expected: >= 0 and finite)",
        poolState, () -> Strategies.weightedLeastConnections(Double.NaN, 16)));
    t.add(new Case("strategy config", "peakEwma defaultRtt 0", IllegalArgumentException.class,
        "defaultRtt: PT0S (expected: > 0)", poolState,
        () -> Strategies.peakEwma(Duration.ZERO)));
  }

  private static void health(List<Case> t) {
    HealthConfig.Builder b = HealthConfig.builder()
        .consecutiveFailures(ConsecutiveFailures.of(7)).interval(Duration.ofSeconds(5))
        .ejection(EjectionLimits.builder().maxPercent(20).build())
        .latency(LatencyEjection.builder().factor(3).build());
    EjectionLimits.Builder limits = EjectionLimits.builder().maxPercent(20);
    LatencyEjection.Builder latency = LatencyEjection.builder().factor(3);
    SlowStart.Builder ramp = SlowStart.builder();
    Supplier<Object> state = () -> b.build() + " " + limits.build() + " " + latency.build()
        + " " + ramp.build();
    t.add(new Case("HealthConfig", "consecutiveFailures threshold 0",
        IllegalArgumentException.class, "threshold: 0 (expected: > 0)", state,
        () -> b.consecutiveFailures(ConsecutiveFailures.of(0))));
    t.add(new Case("HealthConfig", "interval 0", IllegalArgumentException.class,
        "interval: PT0S (expected: > 0)", state, () -> b.interval(Duration.ZERO)));
    t.add(new Case("HealthConfig", "interval null", NullPointerException.class,
        "interval: null (expected: non-null)", state, () -> b.interval(null)));
    t.add(new Case("HealthConfig", "ejection maxPercent 101", IllegalArgumentException.class,
        "maxPercent: 101.0 (expected: in [0, 100])", state, () -> limits.maxPercent(101)));
    t.add(new Case("HealthConfig", "latency factor 1", IllegalArgumentException.class,
        "factor: 1.0 (expected: a finite number > 1)", state, () -> latency.factor(1.0)));
    t.add(new Case("HealthConfig", "slowStart minWeightPercent 0",
        IllegalArgumentException.class, "minWeightPercent: 0.0 (expected: in (0, 100])",
        state, () -> ramp.minWeightPercent(0)));
    // Settings checked against each other at build(): the monitor in use keeps its config.
    ServerPool pool = ServerPool.of(A, B);
    HealthMonitor monitor = HealthMonitor.builder(pool).ticker(new ManualTicker())
        .random(RandomSource.seeded(1)).build();
    Supplier<Object> monitorState = () -> monitor.config() + " " + pool.snapshot().version()
        + " " + monitor.stateSize();
    t.add(new Case("HealthConfig", "ejection maxTime below baseTime",
        IllegalArgumentException.class,
        "maxTime: PT10S (expected: >= baseTime PT30S)", monitorState,
        () -> EjectionLimits.builder().maxTime(Duration.ofSeconds(10)).build()));
    t.add(new Case("HealthConfig", "activeChecks jitter not below interval",
        IllegalArgumentException.class, "jitter: PT2S (expected: < interval PT2S)",
        monitorState, () -> ActiveChecks.builder(s -> null).jitter(Duration.ofSeconds(2))
            .build()));
    t.add(new Case("HealthConfig", "monitor without config", NullPointerException.class,
        "config: null (expected: non-null)", monitorState,
        () -> HealthMonitor.builder(pool).config(null)));
  }

  private static void failover(List<Case> t) {
    Retry retry = Failover.retry(3).backoff(Duration.ofMillis(10), Duration.ofMillis(80));
    Supplier<Object> retryState = () -> retry.toString() + " " + retry.maxAttempts();
    t.add(new Case("Failover", "retry: maxAttempts 0", IllegalArgumentException.class,
        "maxAttempts: 0 (expected: >= 1)", retryState, () -> Failover.retry(0)));
    t.add(new Case("Failover", "retry: backoff max below initial", IllegalArgumentException.class,
        "backoff.max: PT0.05S (expected: >= backoff.initial PT0.1S)", retryState,
        () -> retry.backoff(Duration.ofMillis(100), Duration.ofMillis(50))));
    t.add(new Case("Failover", "retry: jitter 1.5", IllegalArgumentException.class,
        "backoff.jitter: 1.5 (expected: in [0, 1])", retryState, () -> retry.jitter(1.5)));
    t.add(new Case("Failover", "retry: backoff multiplier 0.5", IllegalArgumentException.class,
        "backoff.multiplier: 0.5 (expected: >= 1)", retryState,
        () -> retry.backoff(Duration.ofMillis(10), 0.5, Duration.ofMillis(80))));
    t.add(new Case("Failover", "failSafe: null fallback", NullPointerException.class,
        "fallback: null (expected: non-null)", retryState, () -> Failover.failSafe(null)));
    FailBack failBack = Failover.failBack(e -> "later").maxRetries(2).maxPending(10);
    Supplier<Object> failBackState = failBack::toString;
    t.add(new Case("Failover", "failBack: maxRetries 0", IllegalArgumentException.class,
        "maxRetries: 0 (expected: >= 1)", failBackState, () -> failBack.maxRetries(0)));
    t.add(new Case("Failover", "failBack: maxPending 0", IllegalArgumentException.class,
        "maxPending: 0 (expected: >= 1)", failBackState, () -> failBack.maxPending(0)));
    t.add(new Case("Failover", "failBack: backoff 0", IllegalArgumentException.class,
        "backoff.initial: PT0S (expected: > 0)", failBackState,
        () -> failBack.backoff(Duration.ZERO, Duration.ofSeconds(1))));
    t.add(new Case("Failover", "forking: n 0", IllegalArgumentException.class,
        "forking.n: 0 (expected: >= 1)", failBackState, () -> Failover.forking(0)));
    t.add(new Case("Failover", "primaryBackup: maxAttempts 0", IllegalArgumentException.class,
        "maxAttempts: 0 (expected: >= 1)", failBackState, () -> Failover.primaryBackup(0)));
    Hedged hedged = Failover.hedged(Duration.ofMillis(20)).maxAttempts(3);
    Supplier<Object> hedgedState = hedged::toString;
    t.add(new Case("Failover", "hedged: negative delay", IllegalArgumentException.class,
        "delay: PT-0.001S (expected: >= 0)", hedgedState,
        () -> Failover.hedged(Duration.ofMillis(-1))));
    t.add(new Case("Failover", "hedged: percentile 1", IllegalArgumentException.class,
        "percentile: 1.0 (expected: in (0, 1))", hedgedState,
        () -> Failover.hedgedAtPercentile(1.0, Duration.ofMillis(5))));
    t.add(new Case("Failover", "hedged: maxAttempts 0", IllegalArgumentException.class,
        "maxAttempts: 0 (expected: >= 1)", hedgedState, () -> hedged.maxAttempts(0)));
    t.add(new Case("Failover", "readWrite: readAttempts 0", IllegalArgumentException.class,
        "readAttempts: 0 (expected: >= 1)", hedgedState, () -> Failover.readWrite(0)));
    // Modes without settings: the bad input is the call given to a balancer in that mode.
    ServerPool pool = ServerPool.of(A, B);
    LoadBalancer failFast = LoadBalancer.builder(pool).rebuildExecutor(Runnable::run)
        .strategy(Strategies.roundRobin())
        .health(HealthConfig.defaults()).ticker(new ManualTicker())
        .failover(Failover.failFast()).build();
    LoadBalancer broadcast = LoadBalancer.builder(pool).rebuildExecutor(Runnable::run)
        .strategy(Strategies.roundRobin())
        .health(HealthConfig.defaults()).ticker(new ManualTicker())
        .failover(Failover.broadcast()).build();
    Supplier<Object> calls = () -> failFast.tracker().stats(A) + " " + failFast.tracker()
        .stats(B) + " " + broadcast.tracker().stats(A) + " " + broadcast.tracker().stats(B)
        + " " + pool.snapshot();
    t.add(new Case("Failover", "failFast: null call", NullPointerException.class,
        "call: null (expected: non-null)", calls, () -> failFast.execute(null)));
    t.add(new Case("Failover", "broadcast: null request", NullPointerException.class,
        "request: null (expected: non-null)", calls,
        () -> broadcast.execute(null, server -> "ok")));
    t.add(new Case("Failover", "LoadBalancer: no strategy", IllegalStateException.class,
        "strategy: null (expected: set before build(), e.g. Strategies.roundRobin() from "
            + "lb-strategies)", calls, () -> LoadBalancer.builder(pool).build()));
  }

  private static void budget(List<Case> t) {
    ServerPool pool = ServerPool.of(A, B);
    Supplier<Object> state = pool::snapshot;
    t.add(new Case("RetryBudget", "tokenBucket maxTokens 0", IllegalArgumentException.class,
        "maxTokens: 0.0 (expected: in [0.001, 1000])", state, () -> RetryBudget.tokenBucket(0, 1)));
    t.add(new Case("RetryBudget", "tokenBucket ratio above max", IllegalArgumentException.class,
        "tokenRatio: 11.0 (expected: in [0.001, maxTokens])", state,
        () -> RetryBudget.tokenBucket(10, 11)));
    t.add(new Case("RetryBudget", "percentage ttl 61 s", IllegalArgumentException.class,
        "ttl: PT1M1S (expected: in [1s, 60s])", state,
        () -> RetryBudget.percentage(0.2, 10, Duration.ofSeconds(61))));
    t.add(new Case("RetryBudget", "percentage nothing to spend", IllegalArgumentException.class,
        "percent: 0.0 (expected: > 0 when minRetriesPerSecond is 0)", state,
        () -> RetryBudget.percentage(0, 0, Duration.ofSeconds(10))));
    t.add(new Case("RetryBudget", "percentage negative floor", IllegalArgumentException.class,
        "minRetriesPerSecond: -1 (expected: >= 0)", state,
        () -> RetryBudget.percentage(0.2, -1, Duration.ofSeconds(10))));
  }
}
