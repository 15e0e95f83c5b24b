package io.lbkit.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.LoadTracker;
import io.lbkit.Server;
import io.lbkit.Strategy;
import io.lbkit.Ticker;
import io.lbkit.spi.ServerMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SimulationTest {
  private static final long SEED = 42;

  private static RunResult run(Scenario s, String strategy, String policy) {
    return new Simulation(s, Catalog.variant(strategy, "load", policy), SEED).run();
  }

  @Test
  void sameSeedGivesIdenticalTables() {
    // every Catalog strategy on one thread and on two (a strategy whose picks depend on the
    // calling thread fails here), with both trackers and every facade policy (backoff and hedge
    // timers on the virtual scheduler), through a timeline (s1 down at 20 s), a pool update
    // (at 30 s) and keyed requests; short runs, so that this stays a few seconds
    List<Variant> variants = new java.util.ArrayList<>();
    for (Variant v : Catalog.variants()) {
      boolean plain = v.trackerName().equals("load") && v.policy().name().equals("failFast");
      boolean core = v.strategyName().equals("peakEwma") || v.strategyName().equals("maglev");
      if (plain || core) {
        variants.add(v);
      }
    }
    List<Scenario> scenarios = List.of(Scenarios.flapping().withDuration(22),
        Scenarios.scaleOut().withDuration(31), Scenarios.hotKey().withDuration(3));

    Map<Scenario, List<RunResult>> first = SimulationRunner.runAll(scenarios, variants, SEED, 2);
    Map<Scenario, List<RunResult>> second = SimulationRunner.runAll(scenarios, variants, SEED, 1);

    for (Scenario s : scenarios) {
      String a = Report.table(first.get(s));
      assertThat(Report.table(second.get(s))).isEqualTo(a);
      assertThat(first.get(s).get(0).requests()).isGreaterThan(1000);
      assertThat(first.get(s)).hasSize(variants.size()); // every variant ran
    }
  }

  @Test
  void anotherSeedGivesAnotherRun() {
    Scenario s = Scenarios.brownOut().withDuration(10);
    Variant v = Catalog.variant("random", "load", "failFast");

    RunResult a = new Simulation(s, v, 1).run();
    RunResult b = new Simulation(s, v, 2).run();

    assertThat(Report.table(List.of(a))).isNotEqualTo(Report.table(List.of(b)));
  }

  @Test
  void roundRobinP99WithOneSlowServerIsAtLeastTheSlowServersLatency() {
    Scenario s2 = Scenarios.oneSlow();
    double slowMeanMillis = s2.servers().get(2).service().meanMillis() * 10;

    RunResult r = run(s2, "roundRobin", "failFast");

    assertThat(slowMeanMillis).isEqualTo(200.0);
    assertThat(r.percentileMillis(0.99)).isGreaterThanOrEqualTo(slowMeanMillis);
    assertThat(r.share(2)).isCloseTo(0.2, org.assertj.core.data.Offset.offset(0.001));
  }

  @Test
  void latencyGrowsWhenInFlightExceedsCapacity() {
    Scenario base = Scenario.builder(0, "t-capacity", "capacity")
        .server(ServerSpec.of("a", ServiceTime.constant(10)).withCapacity(2))
        .workload(Workload.closedLoop(2, 0)).durationSeconds(1).build();
    RunResult within = run(base, "roundRobin", "failFast");
    RunResult over = run(base.withWorkload(Workload.closedLoop(4, 0)), "roundRobin", "failFast");

    // 2 callers on 2 slots never wait: 100 calls each in 1 s
    assertThat(within.percentileMillis(0.5)).isEqualTo(10.0);
    assertThat(within.percentileMillis(1.0)).isEqualTo(10.0);
    assertThat(within.requests()).isEqualTo(200);
    // 4 callers on 2 slots: each call waits one service time, throughput stays at the 2 slots'
    // 200/s (plus the 2 calls still queued at the end, which drain)
    assertThat(over.percentileMillis(0.5)).isEqualTo(20.0);
    assertThat(over.requests()).isEqualTo(202);
  }

  @Test
  void recordsTheCallsAtEachServerOverTime() {
    Scenario base = Scenario.builder(0, "t-depth", "depth")
        .server(ServerSpec.of("a", ServiceTime.constant(10)).withCapacity(2))
        .workload(Workload.closedLoop(4, 0)).durationSeconds(2).build();

    RunResult r = run(base, "roundRobin", "failFast");

    // 4 callers that never think on 2 slots: 2 in service and 2 queued at all times (a caller's
    // next call arrives at the instant its last one ends); nothing after the end counts
    assertThat(r.meanDepth(0, 0, 2)).isCloseTo(4.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(r.depthOverTime(0)).hasSize(2);
    assertThat(r.maxDepth(0, 0, 2)).isEqualTo(4);
    assertThat(r.peakDepth(0, 1, 2)).isCloseTo(4.0, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void manyClientsEachHaveTheirOwnTrackerAndRunsStayRepeatable() {
    // four clients, each with its own health monitor: each one ejects the dead server for
    // itself (5 refusals in a row; 30 s, longer than the run), so four ejections of s3
    Scenario s = Scenarios.oneDead().withClients(4).withDuration(10);
    Variant v = Catalog.variant("roundRobin", "health", "retry3");

    RunResult a = new Simulation(s, v, SEED).run();
    RunResult b = new Simulation(s, v, SEED).run();

    assertThat(a.ejectionsOf(2, 0)).isEqualTo(4);
    assertThat(a.ejections()).isEqualTo(4);
    assertThat(a.attempts(2)).isEqualTo(4 * 5);
    assertThat(a.failures()).isZero();
    assertThat(Report.table(List.of(b))).isEqualTo(Report.table(List.of(a)));
    // the arrival stream is the single client's: only which client gets each request differs
    assertThat(a.requests()).isEqualTo(run(s.withClients(1), "roundRobin", "failFast")
        .requests());
  }

  @Test
  void latencyAndFailuresAreCountedPerRateStep() {
    Scenario s = Scenarios.oneDead().withDuration(10)
        .withWorkload(Workload.openLoop(500).thenRate(5, 1000));

    RunResult r = run(s, "roundRobin", "failFast");

    assertThat(r.steps()).isEqualTo(2);
    // Poisson arrivals: 2 500 expected in the first 5 s (sigma 50), 5 000 in the next 5 s (71)
    assertThat(r.stepRequests(0)).isBetween(2_300L, 2_700L);
    assertThat(r.stepRequests(1)).isBetween(4_715L, 5_285L);
    // round robin sends a fifth of each step's requests to the dead s3
    assertThat((double) r.stepFailures(0) / r.stepRequests(0)).isCloseTo(0.2,
        org.assertj.core.data.Offset.offset(0.001));
    assertThat((double) r.stepFailures(1) / r.stepRequests(1)).isCloseTo(0.2,
        org.assertj.core.data.Offset.offset(0.001));
    assertThat(r.stepPercentileMillis(0, 0.5)).isPositive();
  }

  @Test
  void scaleOutAddsServersOnlyWhenThePoolChanges() {
    RunResult r = run(Scenarios.scaleOut().withDuration(40), "roundRobin", "failFast");

    double[] newShare = r.shareOverTime(Scenarios.scaleOut().focus());
    assertThat(newShare[29]).isZero();
    // after the update round robin gives the 15 new servers their 15 / 20 at once
    assertThat(newShare[35]).isCloseTo(0.75, org.assertj.core.data.Offset.offset(0.01));
    assertThat(r.everMember(19)).isTrue();
  }

  @Test
  void hotKeyScenarioSkewsAKeyHashingStrategy() {
    Strategy keyMod = (candidates, previous) -> request -> candidates.server(
        (int) Long.remainderUnsigned(request.keyHash(), candidates.size()));
    Variant v = new Variant("keyMod", () -> keyMod, "load",
        (pool, ticker, random) -> LoadTracker.create(ticker), Policies.single());
    Scenario s8 = Scenarios.hotKey().withDuration(20);

    RunResult r = new Simulation(s8, v, SEED).run();

    assertThat(s8.workload().keys().topShare()).isCloseTo(0.307, org.assertj.core.data.Offset.offset(0.001));
    assertThat(r.maxOverMean()).isGreaterThan(1.5);
    assertThat(run(s8, "roundRobin", "failFast").maxOverMean()).isLessThan(1.01);
  }

  @Test
  void countsEjectionsOfAnEjectingTrackerAndRunsItsPeriodicWork() {
    AtomicInteger ticks = new AtomicInteger();
    TrackerFactory ejecting = new TrackerFactory() {
      @Override
      public io.lbkit.HealthTracker create(io.lbkit.ServerPool pool, Ticker ticker,
          io.lbkit.RandomSource random) {
        return new EjectAfterFailures(ticker, 5);
      }

      @Override
      public long periodNanos() {
        return 1_000_000_000L;
      }

      @Override
      public void tick(io.lbkit.HealthTracker tracker) {
        ticks.incrementAndGet();
      }
    };
    Variant v = new Variant("roundRobin", io.lbkit.strategy.Strategies::roundRobin, "ejecting",
        ejecting, Policies.retry(3));

    RunResult r = new Simulation(Scenarios.oneDead().withDuration(10), v, SEED).run();

    assertThat(r.ejections()).isEqualTo(1);
    assertThat(r.attempts(2)).isEqualTo(5);
    assertThat(r.failures()).isZero();
    assertThat(ticks.get()).isEqualTo(9);
  }

  /** A test tracker: ejects a server for good after {@code limit} failures in a row. */
  static final class EjectAfterFailures extends LoadTracker {
    private final int limit;
    private final Map<String, Integer> streak = new ConcurrentHashMap<>();
    private final Set<String> ejected = ConcurrentHashMap.newKeySet();

    EjectAfterFailures(Ticker ticker, int limit) {
      super(ticker, Duration.ofSeconds(10));
      this.limit = limit;
    }

    @Override
    protected ServerMetrics complete(Server server, long startNanos, boolean success) {
      ServerMetrics m = super.complete(server, startNanos, success);
      int n = success ? 0 : streak.merge(server.id(), 1, Integer::sum);
      if (success) {
        streak.put(server.id(), 0);
      }
      if (n >= limit && ejected.add(server.id())) {
        fireChange();
      }
      return m;
    }

    @Override
    public boolean isAvailable(Server server) {
      return super.isAvailable(server) && !ejected.contains(server.id());
    }
  }
}
