package io.lbkit.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.Attempt;
import io.lbkit.LoadReport;
import io.lbkit.LoadTracker;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.Strategy;
import io.lbkit.internal.DefaultSelector;
import io.lbkit.testing.ManualTicker;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrcaWeightedRoundRobinStrategyTest {
  private final ManualTicker ticker = new ManualTicker();
  private final LoadTracker tracker = LoadTracker.create(ticker);
  private final List<Server> servers = Fixtures.servers(3);
  private final ServerPool pool = ServerPool.of(servers);

  private static final OrcaWrrConfig NO_BLACKOUT =
      OrcaWrrConfig.builder().blackoutPeriod(Duration.ZERO).build();

  private Selector selector(Strategy s) {
    return Fixtures.selector(s, pool, tracker, 7);
  }

  /** Picks {@code n} times and counts per server. */
  private int[] count(Selector sel, int n) {
    int[] c = new int[servers.size()];
    for (int i = 0; i < n; i++) {
      c[servers.indexOf(sel.choose())]++;
    }
    return c;
  }

  private void report(Selector sel, int server, double utilization, double qps, double eps) {
    try (Attempt a = sel.begin(io.lbkit.Request.NONE.excluding(other(server, 1))
        .excluding(other(server, 2)))) {
      a.report(LoadReport.of(utilization, qps, eps));
      a.success();
    }
  }

  private Server other(int server, int k) {
    return servers.get((server + k) % servers.size());
  }

  @Test
  void withoutReportsPicksExactlyAsRoundRobin() {
    Selector rr = Fixtures.selector(Strategies.roundRobin(), pool, 11);
    Selector orca = Fixtures.selector(Strategies.orcaWeightedRoundRobin(), pool, 11);
    for (int i = 0; i < 1000; i++) {
      assertThat(orca.choose()).isEqualTo(rr.choose());
    }
  }

  @Test
  void weightsAreQpsOverUtilizationOnceTheUpdatePeriodPassed() {
    Selector sel = selector(Strategies.orcaWeightedRoundRobin(NO_BLACKOUT));
    report(sel, 0, 0.5, 100, 0); // 200
    report(sel, 1, 0.25, 100, 0); // 400
    report(sel, 2, 1.0, 100, 0); // 100
    assertThat(count(sel, 300)).containsExactly(100, 100, 100); // not due yet: round robin

    ticker.advance(Duration.ofSeconds(1));
    report(sel, 2, 1.0, 100, 0); // the first report after the period: weights computed again
    assertThat(count(sel, 700)).containsExactly(200, 400, 100);
  }

  @Test
  void reportsBeforeThePeriodEndsDoNotRebuild() {
    Selector sel = selector(Strategies.orcaWeightedRoundRobin(NO_BLACKOUT));
    long built = ((DefaultSelector) sel).publications();
    ticker.advance(Duration.ofMillis(999));
    for (int i = 0; i < 50; i++) {
      report(sel, i % 3, 0.5, 100, 0);
    }
    assertThat(((DefaultSelector) sel).publications()).isEqualTo(built);
    ticker.advance(Duration.ofMillis(1));
    report(sel, 0, 0.5, 100, 0);
    report(sel, 1, 0.5, 100, 0);
    assertThat(((DefaultSelector) sel).publications()).isEqualTo(built + 1);
  }

  @Test
  void aServerInItsBlackoutGetsTheMeanOfTheOthers() {
    Selector sel = selector(Strategies.orcaWeightedRoundRobin()); // 10 s blackout
    report(sel, 0, 0.5, 100, 0); // 200
    report(sel, 1, 0.25, 100, 0); // 400
    ticker.advance(Duration.ofSeconds(10));
    report(sel, 2, 1.0, 100, 0); // first report now: in blackout, gets mean(200, 400) = 300
    report(sel, 0, 0.5, 100, 0);
    assertThat(count(sel, 900)).containsExactly(200, 400, 300);

    ticker.advance(Duration.ofSeconds(10));
    report(sel, 2, 1.0, 100, 0); // blackout over
    assertThat(count(sel, 700)).containsExactly(200, 400, 100);
  }

  @Test
  void anExpiredReportGetsTheMeanAndTheNextStartsANewBlackout() {
    OrcaWrrConfig config = OrcaWrrConfig.builder().blackoutPeriod(Duration.ofSeconds(10))
        .weightExpirationPeriod(Duration.ofSeconds(30)).build();
    Selector sel = selector(Strategies.orcaWeightedRoundRobin(config));
    report(sel, 0, 0.5, 100, 0);
    report(sel, 1, 0.25, 100, 0);
    report(sel, 2, 1.0, 100, 0);
    ticker.advance(Duration.ofSeconds(20));
    report(sel, 0, 0.5, 100, 0);
    report(sel, 1, 0.25, 100, 0);
    report(sel, 2, 1.0, 100, 0);
    assertThat(count(sel, 700)).containsExactly(200, 400, 100);

    ticker.advance(Duration.ofSeconds(25)); // t = 45: 0 and 1 report again, 2 does not
    report(sel, 0, 0.5, 100, 0);
    report(sel, 1, 0.25, 100, 0);
    ticker.advance(Duration.ofSeconds(6)); // t = 51: server 2's last report is 31 s old
    report(sel, 0, 0.5, 100, 0);
    assertThat(count(sel, 900)).containsExactly(200, 400, 300);

    report(sel, 2, 1.0, 100, 0); // back, but a new run of reports: blackout again
    ticker.advance(Duration.ofSeconds(5));
    report(sel, 0, 0.5, 100, 0);
    assertThat(count(sel, 900)).containsExactly(200, 400, 300);
    ticker.advance(Duration.ofSeconds(5));
    report(sel, 2, 1.0, 100, 0);
    assertThat(count(sel, 700)).containsExactly(200, 400, 100);
  }

  @Test
  void aPoolChangeKeepsEachServersRunOfReports() {
    OrcaWrrConfig config = OrcaWrrConfig.builder().blackoutPeriod(Duration.ofSeconds(10))
        .weightExpirationPeriod(Duration.ofSeconds(30)).build();
    Selector sel = selector(Strategies.orcaWeightedRoundRobin(config));
    report(sel, 0, 0.5, 100, 0); // 200
    report(sel, 1, 0.25, 100, 0); // 400
    report(sel, 2, 1.0, 100, 0); // 100, its first report ever at t = 0
    ticker.advance(Duration.ofSeconds(45)); // t = 45: server 2 falls silent, 0 and 1 go on
    report(sel, 0, 0.5, 100, 0);
    report(sel, 1, 0.25, 100, 0);
    ticker.advance(Duration.ofSeconds(6)); // t = 51: server 2's report is stale, its run ends
    report(sel, 0, 0.5, 100, 0);
    report(sel, 2, 1.0, 100, 0); // a new run from t = 51: in blackout until t = 61
    ticker.advance(Duration.ofSeconds(5)); // t = 56: weights computed, server 2 in its blackout
    report(sel, 0, 0.5, 100, 0);
    assertThat(count(sel, 900)).containsExactly(200, 400, 300);

    // rebuilt over other candidates: each run is carried by server, not by index, so server 2
    // stays in the blackout of its new run (its first report ever, at t = 0, would end it)
    Server added = Server.of("10.0.0.9", 8080);
    pool.add(added);
    int[] c = new int[4];
    for (int i = 0; i < 1200; i++) {
      Server s = sel.choose();
      c[s.equals(added) ? 3 : servers.indexOf(s)]++;
    }
    assertThat(c).containsExactly(200, 400, 300, 300);
  }

  @Test
  void errorsCountAsUtilizationTimesThePenalty() {
    Selector sel = selector(Strategies.orcaWeightedRoundRobin(NO_BLACKOUT));
    report(sel, 0, 0.5, 100, 0); // 200
    report(sel, 1, 0.25, 100, 25); // 100 / (0.25 + 0.25) = 200
    report(sel, 2, 0.25, 100, 0); // 400
    ticker.advance(Duration.ofSeconds(1));
    report(sel, 0, 0.5, 100, 0);
    assertThat(count(sel, 800)).containsExactly(200, 200, 400);
  }

  @Test
  void applicationUtilizationIsPreferredToCpu() {
    assertThat(OrcaWeightedRoundRobinStrategy.weight(LoadReport.builder().cpuUtilization(0.9)
        .applicationUtilization(0.3).qps(60).build(), 1.0)).isEqualTo(200.0);
    assertThat(OrcaWeightedRoundRobinStrategy.weight(LoadReport.of(0.0, 60, 0), 1.0)).isZero();
    assertThat(OrcaWeightedRoundRobinStrategy.weight(LoadReport.of(0.5, 0, 0), 1.0)).isZero();
  }

  @Test
  void weightsAreClampedToATenthAndTenTimesTheMean() {
    Selector sel = selector(Strategies.orcaWeightedRoundRobin(NO_BLACKOUT));
    report(sel, 0, 1.0, 1, 0); // 1
    report(sel, 1, 1.0, 1, 0); // 1
    report(sel, 2, 0.001, 1000, 0); // 1 000 000: mean 333 334, so the ones rise to 33 333.4
    ticker.advance(Duration.ofSeconds(1));
    report(sel, 0, 1.0, 1, 0);
    int[] c = count(sel, 100_000);
    double floor = 0.1 * (1_000_002 / 3.0);
    double expected = floor / (2 * floor + 1_000_000);
    assertThat(c[0] / 100_000.0).isCloseTo(expected, org.assertj.core.data.Offset.offset(0.002));
    assertThat(c[1]).isCloseTo(c[0], org.assertj.core.data.Offset.offset(100));
  }

  @Test
  void theStrideCycleGivesEachServerExactlyItsIntegerWeight() {
    int[] cycle = OrcaWeightedRoundRobinStrategy.schedule(new double[] {1, 2, 4});
    int[] slots = new int[3];
    for (int i : cycle) {
      slots[i]++;
    }
    assertThat(slots).containsExactly(1, 2, 4);
    assertThat(OrcaWeightedRoundRobinStrategy.schedule(new double[] {5, 5, 5, 5}))
        .containsExactly(0, 1, 2, 3);
  }

  @Test
  void theCycleIsGrpcsStaticStrideRuleForAnyWeights() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(3);
    for (int round = 0; round < 300; round++) {
      int n = 1 + r.nextInt(round < 200 ? 12 : 1500);
      double[] weights = new double[n];
      for (int i = 0; i < n; i++) {
        weights[i] = 0.1 + r.nextDouble() * (r.nextBoolean() ? 1 : 10);
      }
      assertThat(OrcaWeightedRoundRobinStrategy.schedule(weights)).as("round " + round)
          .containsExactly(strideByFormula(weights));
    }
  }

  /** The rule as gRPC writes it, one modulo per step, with the class's scaling. */
  private static int[] strideByFormula(double[] weights) {
    int n = weights.length;
    double max = java.util.Arrays.stream(weights).max().orElseThrow();
    int g = (int) Math.max(64, Math.min(1024, 65_536L / n));
    long[] w = new long[n];
    long gcd = 0;
    for (int i = 0; i < n; i++) {
      w[i] = Math.max(1L, Math.round(weights[i] / max * g));
      gcd = java.math.BigInteger.valueOf(gcd).gcd(java.math.BigInteger.valueOf(w[i])).longValue();
    }
    long top = 0;
    for (int i = 0; i < n; i++) {
      w[i] /= gcd;
      top = Math.max(top, w[i]);
    }
    java.util.List<Integer> out = new java.util.ArrayList<>();
    for (long gen = 0; gen < top; gen++) {
      for (int i = 0; i < n; i++) {
        if ((w[i] * gen + (i * (top / 2)) % top) % top >= top - w[i]) {
          out.add(i);
        }
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  @Test
  void configRejectsBadSettingsNamingThem() {
    assertThatThrownBy(() -> OrcaWrrConfig.builder().weightUpdatePeriod(Duration.ofMillis(99)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weightUpdatePeriod");
    assertThatThrownBy(() -> OrcaWrrConfig.builder().errorUtilizationPenalty(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("errorUtilizationPenalty: NaN");
    assertThatThrownBy(() -> OrcaWrrConfig.builder().blackoutPeriod(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blackoutPeriod");
    assertThat(OrcaWrrConfig.defaults().blackoutPeriod()).isEqualTo(Duration.ofSeconds(10));
    assertThat(OrcaWrrConfig.defaults().weightExpirationPeriod()).isEqualTo(Duration.ofMinutes(3));
    assertThat(OrcaWrrConfig.defaults().weightUpdatePeriod()).isEqualTo(Duration.ofSeconds(1));
    assertThat(OrcaWrrConfig.defaults().errorUtilizationPenalty()).isEqualTo(1.0);
  }

  @Test
  void explainSaysWhereEachWeightComesFrom() {
    Selector sel = selector(Strategies.orcaWeightedRoundRobin());
    report(sel, 0, 0.5, 100, 0);
    ticker.advance(Duration.ofSeconds(1));
    report(sel, 0, 0.5, 100, 0);
    String text = sel.explain(io.lbkit.Request.NONE).toString();
    assertThat(text).contains("in its blackout period: the mean").contains("no load report");
  }
}
