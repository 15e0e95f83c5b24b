package io.lbkit.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/**
 * The asserted balancing targets that need strategies or health tracking not on this
 * branch yet. Each looks its variant up in {@link Catalog} by name and is skipped, saying what it
 * needs, until that name is registered there; registering it (one line) enables the test.
 */
class TargetsTest {
  private static final long SEED = SimulatorMain.DEFAULT_SEED;

  private static RunResult run(Scenario s, String strategy, String tracker, String policy) {
    return new Simulation(s, Catalog.variant(strategy, tracker, policy), SEED).run();
  }

  @Test
  void peakEwmaP99WithOneSlowServerStaysWithin1_3xOfTheHealthyClusters() {
    assumeTrue(Catalog.hasStrategy("peakEwma"), "needs strategy peakEwma from issue 3 merge");

    double healthy = run(Scenarios.heterogeneous(), "peakEwma", "load", "failFast")
        .percentileMillis(0.99);
    RunResult slow = run(Scenarios.oneSlow(), "peakEwma", "load", "failFast");
    RunResult roundRobin = run(Scenarios.oneSlow(), "roundRobin", "load", "failFast");

    assertThat(slow.percentileMillis(0.99)).isLessThanOrEqualTo(1.3 * healthy);
    assertThat(roundRobin.percentileMillis(0.99)).isGreaterThanOrEqualTo(200.0);
  }

  @Test
  void outlierDetectionKeepsBrownOutSuccessAtLeast99_99Percent() {
    assumeTrue(Catalog.hasTracker("health"), "needs tracker health (HealthMonitor) from issue 4 merge");

    RunResult r = run(Scenarios.brownOut(), "roundRobin", "health", "retry3");

    assertThat(r.successRate()).isGreaterThanOrEqualTo(0.9999);
    // and the failing server was actually taken out of rotation for a while
    assertThat(r.ejections()).isPositive();
    assertThat(r.share(2)).isLessThan(0.15);
  }

  @Test
  void boundedLoadsKeepTheHotKeyServerWithin1_25xOfTheMean() {
    assumeTrue(Catalog.hasStrategy("consistentHash") && Catalog.hasStrategy("consistentHashBounded"),
        "needs strategies consistentHash and consistentHashBounded (bounded loads, c = 1.25) from issue 3 merge");

    RunResult plain = run(Scenarios.hotKey(), "consistentHash", "load", "failFast");
    RunResult bounded = run(Scenarios.hotKey(), "consistentHashBounded", "load", "failFast");

    assertThat(plain.maxOverMean()).isGreaterThan(1.25);
    assertThat(bounded.maxOverMean()).isLessThanOrEqualTo(1.25);
  }
}
