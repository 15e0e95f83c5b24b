package io.lbkit.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The asserted balancing targets, on the full-length presets with the default seed (the
 * runs docs/simulation shows), each through the variant named in {@link Catalog}.
 */
class TargetsTest {
  private static final long SEED = SimulatorMain.DEFAULT_SEED;

  private static RunResult run(Scenario s, String strategy, String tracker, String policy) {
    return new Simulation(s, Catalog.variant(strategy, tracker, policy), SEED).run();
  }

  @Test
  void peakEwmaP99WithOneSlowServerStaysWithin1_3xOfTheHealthyClusters() {
    double healthy = run(Scenarios.heterogeneous(), "peakEwma", "load", "failFast")
        .percentileMillis(0.99);
    RunResult slow = run(Scenarios.oneSlow(), "peakEwma", "load", "failFast");
    RunResult roundRobin = run(Scenarios.oneSlow(), "roundRobin", "load", "failFast");
    System.out.printf("p99: healthy cluster %.1f ms, one slow under peakEwma %.1f ms (slow"
            + " server's share %.4f), under roundRobin %.1f ms%n", healthy,
        slow.percentileMillis(0.99), slow.share(2), roundRobin.percentileMillis(0.99));

    assertThat(slow.percentileMillis(0.99)).isLessThanOrEqualTo(1.3 * healthy);
    assertThat(roundRobin.percentileMillis(0.99)).isGreaterThanOrEqualTo(200.0);
  }

  /**
   * The cold start a new user met: one client thread, three equal servers, and the first calls
   * to one of them slow (a JIT warming up, a cold cache): 50x slower for its first 0.2 s. Peak
   * EWMA must not let those first samples starve it once it is fast.
   */
  @Test
  void aServerWhoseFirstCallsWereSlowGetsItsShareUnderPeakEwma() {
    Scenario.Builder b = Scenario.builder(90, "cold-start", "One server's first calls 50x slower")
        .workload(Workload.closedLoop(1, 0)).durationSeconds(20)
        .change(0, 0, Condition.slow(50))
        .change(0.2, 0, Condition.UP);
    for (int i = 0; i < 3; i++) {
      b.server(ServerSpec.of("s" + (i + 1), ServiceTime.lognormal(5)).withCapacity(8));
    }
    RunResult r = run(b.build(), "peakEwma", "load", "failFast");
    System.out.printf("cold start, one client: shares %.3f %.3f %.3f of %d requests%n",
        r.share(0), r.share(1), r.share(2), r.requests());

    assertThat(r.share(0)).isGreaterThan(0.8 / 3);
  }

  /**
   * The cold start: every server's first 10 s are 5x slower (a fleet deployed at once),
   * 300 req/s (75% of what the cold fleet can serve). Once warm, no server may be left with a
   * cost learned while cold: from 20 s every server's share is within 20% of fair.
   */
  @Test
  void afterAColdFleetWarmsUpPeakEwmaSharesFairly() {
    Scenario.Builder b = Scenario.builder(91, "cold-fleet", "Every server 5x slower for 10 s")
        .workload(Workload.openLoop(300)).durationSeconds(40);
    for (int i = 0; i < 5; i++) {
      b.server(ServerSpec.of("s" + (i + 1), ServiceTime.lognormal(20)).withCapacity(8))
          .change(0, i, Condition.slow(5))
          .change(10, i, Condition.UP);
    }
    RunResult r = run(b.build(), "peakEwma", "load", "failFast");
    double[] shares = new double[5];
    for (int i = 0; i < 5; i++) {
      shares[i] = r.shareSince(i, 20);
    }
    System.out.printf("cold fleet, shares from 20 s: %s; success %.4f%n",
        Arrays.toString(shares), r.successRate());

    for (double share : shares) {
      assertThat(share).isBetween(0.8 / 5, 1.2 / 5);
    }
    assertThat(r.successRate()).isEqualTo(1.0);
  }

  @Test
  void retryThreeThroughTheLoadBalancerLosesNoRequestToOneDeadServer() {
    RunResult failFast = run(Scenarios.oneDead(), "roundRobin", "load", "failFast");
    RunResult retry = run(Scenarios.oneDead(), "roundRobin", "load", "retry3");

    assertThat(retry.failures()).isZero();
    assertThat(retry.requests()).isGreaterThan(50_000);
    // the dead server's fifth of first attempts was refused and retried elsewhere
    assertThat(retry.outcomes(Outcome.REFUSED)).isGreaterThan(10_000);
    assertThat(failFast.successRate()).isCloseTo(0.8, org.assertj.core.data.Offset.offset(0.01));
  }

  @Test
  void outlierDetectionKeepsBrownOutSuccessAtLeast99_99Percent() {
    RunResult r = run(Scenarios.brownOut(), "roundRobin", "health", "retry3");

    assertThat(r.successRate()).isGreaterThanOrEqualTo(0.9999);
    // and the failing server was actually taken out of rotation for a while
    assertThat(r.ejections()).isPositive();
    assertThat(r.share(2)).isLessThan(0.15);
  }

  @Test
  void boundedLoadsKeepTheHotKeyServerWithin1_25xOfTheMean() {
    RunResult plain = run(Scenarios.hotKey(), "consistentHash", "load", "failFast");
    RunResult bounded = run(Scenarios.hotKey(), "consistentHashBounded", "load", "failFast");

    assertThat(plain.maxOverMean()).isGreaterThan(1.25);
    assertThat(bounded.maxOverMean()).isLessThanOrEqualTo(1.25);
  }

  /**
   * The unequal capacity: servers of 1x, 2x and 4x capacity with equal weights, at 75% of
   * their total capacity. With load reports every server is equally busy once the blackout and
   * the queue it left have passed; round robin overloads the small ones. Busy-ness from 40 s on:
   * a server's share of attempts over its share of the capacity (the servers' service times are
   * alike), so 1.0 is "as busy as the fleet".
   */
  @Test
  void loadReportsMakeServersOfUnequalCapacityEquallyBusy() {
    int[] capacity = Scenarios.UNEQUAL_CAPACITIES;
    RunResult orca = run(Scenarios.unequalCapacity(), "orcaWeightedRoundRobin", "load",
        "failFast");
    RunResult roundRobin = run(Scenarios.unequalCapacity(), "roundRobin", "load", "failFast");
    double[] busy = relativeBusy(orca, capacity, 40);
    double[] rrBusy = relativeBusy(roundRobin, capacity, 40);
    System.out.printf("unequal capacity, busy relative to the fleet from 40 s: orca %s (p99 %.1f"
            + " ms, success %.4f), roundRobin %s (p99 %.1f ms, success %.4f)%n",
        Arrays.toString(busy), orca.percentileMillis(0.99), orca.successRate(),
        Arrays.toString(rrBusy), roundRobin.percentileMillis(0.99), roundRobin.successRate());

    double mean = Arrays.stream(busy).average().orElseThrow();
    for (double b : busy) {
      assertThat(b).isBetween(0.9 * mean, 1.1 * mean);
    }
    // round robin: the small servers get 1/6 of the calls for 1/14 of the capacity
    assertThat(rrBusy[0]).isGreaterThan(1.5);
    assertThat(rrBusy[2]).isLessThan(0.7);
    assertThat(roundRobin.successRate()).isLessThan(orca.successRate());

    // the 10 s blackout is round robin meanwhile; reports used at once lose nothing here
    RunResult noBlackout = run(Scenarios.unequalCapacity(), "orcaNoBlackout", "load",
        "failFast");
    double[] nbBusy = relativeBusy(noBlackout, capacity, 40);
    System.out.printf("  without blackout: %s (p99 %.1f ms, success %.4f)%n",
        Arrays.toString(nbBusy), noBlackout.percentileMillis(0.99), noBlackout.successRate());
    for (double b : nbBusy) {
      assertThat(b).isBetween(0.9, 1.1);
    }
    assertThat(noBlackout.successRate()).isEqualTo(1.0);
  }

  private static double[] relativeBusy(RunResult r, int[] capacity, double since) {
    int total = Arrays.stream(capacity).sum();
    double[] out = new double[capacity.length];
    for (int i = 0; i < capacity.length; i++) {
      out[i] = r.shareSince(i, since) / ((double) capacity[i] / total);
    }
    return out;
  }
}
