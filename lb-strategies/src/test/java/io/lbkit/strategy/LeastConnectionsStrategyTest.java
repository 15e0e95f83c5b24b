package io.lbkit.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.LoadTracker;
import io.lbkit.testing.ManualTicker;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeastConnectionsStrategyTest {

  private static LoadTracker withInFlight(List<Server> servers, int... inFlight) {
    LoadTracker tracker = LoadTracker.create(new ManualTicker());
    for (int i = 0; i < inFlight.length; i++) {
      for (int k = 0; k < inFlight[i]; k++) {
        tracker.onStart(servers.get(i));
      }
    }
    return tracker;
  }

  @Test
  void exactModeChoosesTheServerWithFewestInFlight() {
    List<Server> servers = Fixtures.servers(8);
    LoadTracker tracker = withInFlight(servers, 5, 3, 7, 1, 4, 9, 2, 6);
    Selector selector = Fixtures.selector(Strategies.leastConnections(), ServerPool.of(servers),
        tracker, 31);
    assertThat(Fixtures.count(selector, servers, 1000)).containsExactly(0, 0, 0, 1000, 0, 0, 0, 0);
  }

  @Test
  void exactModeFollowsLoadAsCallsStartAndEnd() {
    List<Server> servers = Fixtures.servers(3);
    LoadTracker tracker = withInFlight(servers, 2, 2, 2);
    Selector selector = Fixtures.selector(Strategies.leastConnections(), ServerPool.of(servers),
        tracker, 32);
    long t = tracker.onStart(servers.get(1));
    tracker.onSuccess(servers.get(1), t);
    tracker.onCancel(servers.get(2), t); // server 2 now has 1 in flight: the minimum
    assertThat(selector.choose()).isEqualTo(servers.get(2));
  }

  @Test
  void exactModeSpreadsTiesUniformly() {
    List<Server> servers = Fixtures.servers(5);
    LoadTracker tracker = withInFlight(servers, 1, 0, 0, 0, 0);
    Selector selector = Fixtures.selector(Strategies.leastConnections(), ServerPool.of(servers),
        tracker, 33);
    long[] counts = Fixtures.count(selector, servers, 100_000);
    assertThat(counts[0]).isZero();
    long[] tied = java.util.Arrays.copyOfRange(counts, 1, 5);
    // 3 degrees of freedom: critical value 16.266 at p = 0.001.
    assertThat(Fixtures.chiSquare(tied, Fixtures.uniform(4))).isLessThan(16.266);
  }

  @Test
  void largePoolsUseTwoChoicesSoTheMostLoadedIsNeverChosen() {
    List<Server> servers = Fixtures.servers(32); // above the default limit of 16
    int[] load = new int[32];
    for (int i = 0; i < 32; i++) {
      load[i] = i;
    }
    LoadTracker tracker = withInFlight(servers, load);
    Selector selector = Fixtures.selector(Strategies.leastConnections(), ServerPool.of(servers),
        tracker, 34);
    long[] counts = Fixtures.count(selector, servers, 100_000);
    assertThat(counts[31]).isZero();
    // Two choices, not a scan: the minimum gets P(0) = 31 / C(32, 2) = 1/16 of the picks.
    assertThat(counts[0]).isBetween(5_800L, 6_700L);
    assertThat(counts[30]).isPositive();
  }

  @Test
  void exactScanLimitIsConfigurable() {
    List<Server> servers = Fixtures.servers(4);
    LoadTracker tracker = withInFlight(servers, 0, 1, 2, 3);
    Selector p2c = Fixtures.selector(Strategies.leastConnections(0), ServerPool.of(servers),
        tracker, 35);
    long[] counts = Fixtures.count(p2c, servers, 60_000);
    // P(i) = (3 - i) / 6: 30 000, 20 000, 10 000, 0 expected.
    assertThat(counts[0]).isBetween(29_000L, 31_000L);
    assertThat(counts[2]).isBetween(9_300L, 10_700L);
    assertThat(counts[3]).isZero();
    assertThatThrownBy(() -> Strategies.leastConnections(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("exactScanLimit: -1 (expected: >= 0)");
  }

  @Test
  void weightedLeastConnectionsMinimisesInFlightPlusOnePerWeight() {
    List<Server> servers = Fixtures.weighted(1, 2, 4);
    // costs (a + 1) / w: (0+1)/1 = 1, (1+1)/2 = 1, (2+1)/4 = 0.75 -> server 2
    LoadTracker tracker = withInFlight(servers, 0, 1, 2);
    Selector selector = Fixtures.selector(Strategies.weightedLeastConnections(),
        ServerPool.of(servers), tracker, 36);
    assertThat(Fixtures.count(selector, servers, 1000)).containsExactly(0, 0, 1000);
    tracker.onStart(servers.get(2)); // 4/4 = 1: now a three-way tie
    long[] counts = Fixtures.count(selector, servers, 30_000);
    for (long c : counts) {
      assertThat(c).isBetween(9_500L, 10_500L);
    }
  }

  @Test
  void weightedLeastConnectionsBiasChangesHowMuchLoadCounts() {
    List<Server> servers = Fixtures.weighted(1, 4);
    LoadTracker tracker = withInFlight(servers, 0, 5);
    // bias 0: load ignored, weight 4 wins; bias 1: 1/1 < 6/4, weight 1 wins.
    Selector ignoreLoad = Fixtures.selector(Strategies.weightedLeastConnections(0.0, 16),
        ServerPool.of(servers), tracker, 37);
    assertThat(ignoreLoad.choose()).isEqualTo(servers.get(1));
    Selector linear = Fixtures.selector(Strategies.weightedLeastConnections(),
        ServerPool.of(servers), tracker, 37);
    assertThat(linear.choose()).isEqualTo(servers.get(0));
    // bias 0.5: 1 / 1 = 1 vs sqrt(6) / 4 = 0.61 -> weight 4 wins again.
    Selector sqrt = Fixtures.selector(Strategies.weightedLeastConnections(0.5, 16),
        ServerPool.of(servers), tracker, 37);
    assertThat(sqrt.choose()).isEqualTo(servers.get(1));
    assertThatThrownBy(() -> Strategies.weightedLeastConnections(-0.5, 16))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("activeRequestBias: -0.5 (expected: >= 0 and finite)");
  }

  @Test
  void weightedLeastConnectionsUsesTwoChoicesAboveTheLimit() {
    List<Server> servers = Fixtures.weighted(1, 1, 1, 1);
    LoadTracker tracker = withInFlight(servers, 0, 1, 2, 3);
    Selector selector = Fixtures.selector(Strategies.weightedLeastConnections(1.0, 2),
        ServerPool.of(servers), tracker, 38);
    long[] counts = Fixtures.count(selector, servers, 60_000);
    assertThat(counts[0]).isBetween(29_000L, 31_000L);
    assertThat(counts[3]).isZero();
  }

  @Test
  void loadFactorBeyondTheTableFallsBackToPow() {
    WeightedLeastConnectionsStrategy s = new WeightedLeastConnectionsStrategy(1.5, 16);
    assertThat(s.loadFactor(3)).isEqualTo(8.0);
    assertThat(s.loadFactor(1000)).isCloseTo(Math.pow(1001, 1.5),
        org.assertj.core.data.Offset.offset(1e-6));
  }
}
