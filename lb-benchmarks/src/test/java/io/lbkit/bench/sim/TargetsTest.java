package io.lbkit.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

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

    assertThat(slow.percentileMillis(0.99)).isLessThanOrEqualTo(1.3 * healthy);
    assertThat(roundRobin.percentileMillis(0.99)).isGreaterThanOrEqualTo(200.0);
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
