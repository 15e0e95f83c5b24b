package io.lbkit.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
   * Prequal on scenario 2: probes of each server's requests in flight and latency (SimProbing,
   * through lb-server's load reporter) keep the 10x slower server nearly idle, where P2C, which
   * sees only this client's in-flight counts, keeps sending it a few percent of the calls.
   */
  @Test
  void prequalCutsP2csP99WithOneSlowServerAtLeastInHalf() {
    RunResult prequal = run(Scenarios.oneSlow(), "prequal", "load", "failFast");
    RunResult p2c = run(Scenarios.oneSlow(), "powerOfTwoChoices", "load", "failFast");
    System.out.printf("one slow server, p99: prequal %.1f ms (slow server's share %.4f, success"
            + " %.4f), powerOfTwoChoices %.1f ms (share %.4f)%n", prequal.percentileMillis(0.99),
        prequal.share(2), prequal.successRate(), p2c.percentileMillis(0.99), p2c.share(2));

    assertThat(prequal.percentileMillis(0.99))
        .isLessThanOrEqualTo(0.5 * p2c.percentileMillis(0.99));
    assertThat(prequal.share(2)).isLessThan(0.01);
    assertThat(prequal.successRate()).isEqualTo(1.0);
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
  /**
   * Many clients, one recovering server (scenario 9): 50 clients, each with its own health
   * monitor, over 20 servers; s1 is down from 20 s to 45 s and comes back cold (4x slower, easing
   * off over 20 s). A second outage is any client ejecting s1 again after it came back, or any
   * request failing from then on. With slow start there is none, and s1's calls (in service and
   * queued, the highest 1 s mean) never exceed twice their steady state before it died. Without
   * slow start every client gives the cold s1 its full share at once, s1's queue runs away and
   * it is ejected again at least once per client (50 ejections in this run). Round robin: the
   * blind strategy, where slow start is all there is.
   */
  @Test
  void slowStartBringsARecoveringServerBackToFiftyClientsWithoutASecondOutage() {
    Scenario s = Scenarios.recoveringServer();
    int s1 = Scenarios.RECOVERING;
    double died = Scenarios.RECOVERING_DIES_AT;
    double back = Scenarios.RECOVERING_RETURNS_AT;
    double end = s.durationSeconds();
    RunResult ramped = run(s, "roundRobin", "health", "retry3");
    RunResult abrupt = run(s, "roundRobin", "healthNoSlowStart", "retry3");
    double steady = ramped.meanDepth(s1, 0, died);
    System.out.printf("recovering server, slow start: steady %.2f calls, peak after return %.2f,"
            + " ejections after return %d, success after %.5f; without: peak %.2f, ejections %d,"
            + " p99.9 %.1f ms (with: %.1f ms)%n", steady, ramped.peakDepth(s1, back, end),
        ramped.ejectionsOf(s1, back), ramped.successRateSince(back),
        abrupt.peakDepth(s1, back, end), abrupt.ejectionsOf(s1, back),
        abrupt.percentileMillis(0.999), ramped.percentileMillis(0.999));

    assertThat(s.clients()).isEqualTo(50);
    // every client ejected s1 on its own when it died
    assertThat(ramped.ejectionsOf(s1, died)).isEqualTo(s.clients());
    assertThat(ramped.ejectionsOf(s1, back)).isZero();
    assertThat(ramped.successRateSince(back)).isEqualTo(1.0);
    assertThat(ramped.peakDepth(s1, back, end)).isLessThanOrEqualTo(2 * steady);
    // and it did come back: by the end it holds most of its steady share again
    assertThat(ramped.meanDepth(s1, end - 5, end)).isGreaterThan(0.7 * steady);
    // without slow start: the second outage
    assertThat(abrupt.ejectionsOf(s1, back)).isGreaterThanOrEqualTo(s.clients());
    assertThat(abrupt.peakDepth(s1, back, end))
        .isGreaterThan(10 * abrupt.meanDepth(s1, 0, died));
  }

  private static final Map<String, RunResult> RAMP_RUNS = new HashMap<>();

  /**
   * The load ramp's runs (the rows of docs/simulation's scenario 10), each run once for every
   * test that reads it: runs are exact, so sharing one changes no result.
   */
  private static synchronized RunResult ramp(String strategy) {
    return RAMP_RUNS.computeIfAbsent(strategy,
        s -> run(Scenarios.loadRamp(), s, "load", "failFast"));
  }

  /** Index of the load ramp's step at {@code load} x capacity. */
  private static int step(double load) {
    for (int i = 0; i < Scenarios.RAMP_LOADS.length; i++) {
      if (Math.abs(Scenarios.RAMP_LOADS[i] - load) < 1e-9) {
        return i;
      }
    }
    throw new IllegalArgumentException("load: " + load + " (expected: one of "
        + Arrays.toString(Scenarios.RAMP_LOADS) + ")");
  }

  /**
   * Load ramp with noisy neighbours (scenario 10), what holds with today's strategies: blind
   * round robin loses requests from the second step (0.6x) on, as antagonised servers get a full
   * share; P2C (and least connections, which is P2C above 16 servers) and peak EWMA lose none up
   * to 0.7x; at 0.9x peak EWMA's p99.9 is under the 1 s attempt timeout and the lowest; past
   * 1.0x no balancer can keep up (the offered load exceeds what the fleet serves) and every
   * p99.9 is a timeout. The target (prequal or ORCA weighted round robin cut p99.9 at
   * >= 0.9x to at most half of the best of P2C and peak EWMA) is {@link
   * #prequalOrOrcaHalvesTheTailOfP2cAndPeakEwmaAtHighLoad}.
   */
  @Test
  void underALoadRampWithNoisyNeighboursPeakEwmaHasTheLowestTailAt0_9x() {
    RunResult roundRobin = ramp("roundRobin");
    RunResult p2c = ramp("powerOfTwoChoices");
    RunResult ewma = ramp("peakEwma");
    int high = step(0.9);
    System.out.printf("load ramp p99.9 at 0.9x: roundRobin %.1f, P2C %.1f, peakEwma %.1f ms;"
            + " failures at 0.6x: roundRobin %d, P2C %d, peakEwma %d%n",
        roundRobin.stepPercentileMillis(high, 0.999), p2c.stepPercentileMillis(high, 0.999),
        ewma.stepPercentileMillis(high, 0.999), roundRobin.stepFailures(step(0.6)),
        p2c.stepFailures(step(0.6)), ewma.stepFailures(step(0.6)));

    assertThat(roundRobin.steps()).isEqualTo(Scenarios.RAMP_LOADS.length);
    assertThat(roundRobin.stepFailures(step(0.6))).isPositive();
    for (int i = 0; i <= step(0.7); i++) {
      assertThat(p2c.stepFailures(i)).isZero();
      assertThat(ewma.stepFailures(i)).isZero();
    }
    double timeout = Policies.DEFAULT_ATTEMPT_TIMEOUT_NANOS / 1e6;
    assertThat(ewma.stepPercentileMillis(high, 0.999)).isLessThan(timeout)
        .isLessThan(p2c.stepPercentileMillis(high, 0.999))
        .isLessThan(roundRobin.stepPercentileMillis(high, 0.999));
    for (RunResult r : List.of(roundRobin, p2c, ewma)) {
      assertThat(r.stepPercentileMillis(step(1.1), 0.999)).isGreaterThanOrEqualTo(timeout);
    }
  }

  /**
   * The target for the load ramp: prequal or ORCA weighted round robin cut p99.9 at >=
   * 0.9x load to at most half of the best of P2C and peak EWMA. Met at 0.9x by prequal with a
   * pool renewed twice as fast as it is used ({@code prequalFresh}: 2 probes per pick, one pick
   * per answer); prequal's defaults (1 probe, 4 uses) beat both there but by less. At 1.0x the
   * offered load is what the fleet serves on average, both baselines time out (1 s) and
   * prequalFresh gets about half of that; above 1.0x no balancer can keep up, and those steps are
   * not asserted. ORCA weighted round robin does not help here: its 10 s blackout is longer than
   * the antagonists' 5 s and the ramp's 4 s steps, so it balances like round robin.
   */
  @Test
  void prequalOrOrcaHalvesTheTailOfP2cAndPeakEwmaAtHighLoad() {
    RunResult p2c = ramp("powerOfTwoChoices");
    RunResult ewma = ramp("peakEwma");
    RunResult prequal = ramp("prequal");
    RunResult fresh = ramp("prequalFresh");
    RunResult orca = ramp("orcaWeightedRoundRobin");
    double[] baseline = new double[Scenarios.RAMP_LOADS.length];
    for (double load : new double[] {0.9, 1.0}) {
      int i = step(load);
      baseline[i] = Math.min(p2c.stepPercentileMillis(i, 0.999),
          ewma.stepPercentileMillis(i, 0.999));
      for (RunResult r : List.of(prequal, fresh, orca)) {
        System.out.printf("load ramp %.1fx: %s p99.9 %.1f ms (best of P2C and peak EWMA %.1f)%n",
            load, r.variant().strategyName(), r.stepPercentileMillis(i, 0.999), baseline[i]);
      }
    }
    int high = step(0.9);
    assertThat(fresh.stepPercentileMillis(high, 0.999)).isLessThanOrEqualTo(baseline[high] / 2);
    assertThat(prequal.stepPercentileMillis(high, 0.999)).isLessThan(baseline[high]);
    assertThat(fresh.stepFailures(high)).isZero();
    int full = step(1.0);
    assertThat(fresh.stepPercentileMillis(full, 0.999)).isLessThan(0.6 * baseline[full]);
    assertThat(orca.stepPercentileMillis(high, 0.999)).isGreaterThan(baseline[high]);
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
