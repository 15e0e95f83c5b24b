package io.lbkit.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
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

  /**
   * Scenario 7's scale-out under zone preference: the local zone's new servers ramp up (counted by
   * their slow-start factor, so the other zone takes what the local one cannot yet), and the
   * overflow check sheds the calls the three warm local servers could not serve before it. In
   * every tracker/policy pair the scenario runs: no request lost, p99 within 1.2x round robin's.
   */
  @Test
  void zoneAwareScalesOutWithoutLosingARequestAndWithinOnePointTwoOfRoundRobinsP99() {
    for (String mode : Catalog.plan(7).parts().get(0).modes()) {
      String[] tp = mode.split("/");
      RunResult zone = run(Scenarios.scaleOut(), "zoneAware", tp[0], tp[1]);
      RunResult roundRobin = run(Scenarios.scaleOut(), "roundRobin", tp[0], tp[1]);
      System.out.printf("scale-out %s: zoneAware p99 %.1f ms, success %.5f; roundRobin p99 %.1f"
              + " ms%n", mode, zone.percentileMillis(0.99), zone.successRate(),
          roundRobin.percentileMillis(0.99));

      assertThat(zone.successRate()).as(mode).isEqualTo(1.0);
      assertThat(zone.percentileMillis(0.99)).as(mode)
          .isLessThanOrEqualTo(1.2 * roundRobin.percentileMillis(0.99));
    }
  }

  /** The mean of {@code shares} over the buckets [from, to). */
  private static double mean(double[] shares, int from, int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      sum += shares[i];
    }
    return sum / (to - from);
  }

  /**
   * Scenario 11: the local zone is 2x slower and fails 10% of calls from 20 s to 50 s. Measured
   * spillover moves the calls away gradually and back after the recovery, and beats plain zone
   * preference on p99 and success, while a healthy local zone keeps nearly all of its calls.
   */
  @Test
  void zoneSpilloverLeavesABrownedOutZoneGraduallyAndComesBack() {
    Scenario s = Scenarios.localZoneBrownOut();
    for (String tracker : List.of("load", "health")) {
      RunResult plain = run(s, "zoneAware", tracker, "failFast");
      RunResult spill = run(s, "zoneAwareSpill", tracker, "failFast");
      double[] local = spill.shareOverTime(s.focus());
      System.out.printf("local brown-out (%s): zoneAware p99 %.1f ms, success %.4f; "
              + "zoneAwareSpill p99 %.1f ms, success %.4f; local share 0-20 s %.3f, 21-22 s %.3f,"
              + " 30-50 s %.3f, 65-80 s %.3f%n", tracker, plain.percentileMillis(0.99),
          plain.successRate(), spill.percentileMillis(0.99), spill.successRate(),
          mean(local, 0, 20), mean(local, 21, 22), mean(local, 30, 50), mean(local, 65, 80));

      assertThat(spill.percentileMillis(0.99)).isLessThan(0.85 * plain.percentileMillis(0.99));
      assertThat(spill.successRate()).isGreaterThan(plain.successRate());
      // healthy: local but for the probe share; degraded: at most a fifth local; recovered: back
      assertThat(mean(local, 0, 20)).isGreaterThanOrEqualTo(0.97);
      assertThat(mean(local, 30, 50)).isLessThanOrEqualTo(0.2);
      assertThat(mean(local, 65, 80)).isGreaterThanOrEqualTo(0.97);
      // gradual: a second into the brown-out most calls are still local
      assertThat(mean(local, 21, 22)).isGreaterThan(0.5);
    }
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
}
