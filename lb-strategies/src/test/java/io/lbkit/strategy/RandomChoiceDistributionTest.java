package io.lbkit.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * Chi-square goodness of fit on 10^6 seeded picks over 10 servers: 9 degrees of freedom, critical
 * value 27.877 at p = 0.001 (the statistic must stay below it).
 */
class RandomChoiceDistributionTest {
  private static final int PICKS = 1_000_000;

  @Test
  void randomIsUniform(TestReporter reporter) {
    List<Server> servers = Fixtures.servers(10);
    Selector selector = Fixtures.selector(Strategies.random(), ServerPool.of(servers), 21);
    double chi = Fixtures.chiSquare(Fixtures.count(selector, servers, PICKS),
        Fixtures.uniform(10));
    reporter.publishEntry("chiSquare", String.format("%.3f", chi));
    assertThat(chi).isLessThan(Fixtures.CHI2_CRITICAL_DF9);
  }

  @Test
  void weightedRandomFollowsWeights(TestReporter reporter) {
    int[] weights = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    List<Server> servers = Fixtures.weighted(weights);
    Selector selector = Fixtures.selector(Strategies.weightedRandom(), ServerPool.of(servers), 22);
    double chi = Fixtures.chiSquare(Fixtures.count(selector, servers, PICKS),
        Fixtures.proportional(weights));
    reporter.publishEntry("chiSquare", String.format("%.3f", chi));
    assertThat(chi).isLessThan(Fixtures.CHI2_CRITICAL_DF9);
  }

  @Test
  void powerOfTwoChoicesIsUniformWhenIdle(TestReporter reporter) {
    List<Server> servers = Fixtures.servers(10);
    Selector selector = Fixtures.selector(Strategies.powerOfTwoChoices(),
        ServerPool.of(servers), 23);
    double chi = Fixtures.chiSquare(Fixtures.count(selector, servers, PICKS),
        Fixtures.uniform(10));
    reporter.publishEntry("chiSquare", String.format("%.3f", chi));
    assertThat(chi).isLessThan(Fixtures.CHI2_CRITICAL_DF9);
  }

  @Test
  void powerOfTwoChoicesPicksTheLessLoadedOfTwoDistinct(TestReporter reporter) {
    // Server i has i calls in flight. With two distinct uniform choices, i wins exactly when
    // it is drawn with one of the n - 1 - i more loaded servers:
    //   P(i) = (n - 1 - i) / C(n, 2). The most loaded server can never win.
    List<Server> servers = Fixtures.servers(10);
    ServerPool pool = ServerPool.of(servers);
    io.lbkit.LoadTracker tracker = io.lbkit.LoadTracker.create(new io.lbkit.testing.ManualTicker());
    for (int i = 0; i < 10; i++) {
      for (int k = 0; k < i; k++) {
        tracker.onStart(servers.get(i));
      }
    }
    Selector selector = Fixtures.selector(Strategies.powerOfTwoChoices(), pool, tracker, 24);
    long[] counts = Fixtures.count(selector, servers, PICKS);
    assertThat(counts[9]).isZero();
    long[] first9 = java.util.Arrays.copyOf(counts, 9);
    double[] p = new double[9];
    for (int i = 0; i < 9; i++) {
      p[i] = (9.0 - i) / 45.0;
    }
    double chi = Fixtures.chiSquare(first9, p);
    reporter.publishEntry("chiSquare", String.format("%.3f", chi));
    // 8 degrees of freedom: critical value 26.124 at p = 0.001.
    assertThat(chi).isLessThan(26.124);
  }

  @Test
  void aliasTableProbabilitiesEqualWeightShares() {
    double[] w = {1, 1e9, 3.5, 0.001, 42, 7};
    AliasTable table = new AliasTable(w);
    double total = java.util.Arrays.stream(w).sum();
    for (int i = 0; i < w.length; i++) {
      assertThat(table.probability(i)).isCloseTo(w[i] / total,
          org.assertj.core.data.Offset.offset(1e-9));
    }
  }

  @Test
  void weightedRandomHandlesHugeWeightsWithoutOverflow(TestReporter reporter) {
    int[] weights = new int[10];
    java.util.Arrays.fill(weights, Integer.MAX_VALUE);
    weights[0] = Integer.MAX_VALUE / 2;
    List<Server> servers = Fixtures.weighted(weights);
    Selector selector = Fixtures.selector(Strategies.weightedRandom(), ServerPool.of(servers), 25);
    double chi = Fixtures.chiSquare(Fixtures.count(selector, servers, PICKS),
        Fixtures.proportional(weights));
    reporter.publishEntry("chiSquare", String.format("%.3f", chi));
    assertThat(chi).isLessThan(Fixtures.CHI2_CRITICAL_DF9);
  }
}
