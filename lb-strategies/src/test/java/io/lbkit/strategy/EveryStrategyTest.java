package io.lbkit.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.NoServerAvailableException;
import io.lbkit.Request;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.Strategy;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Contracts every strategy of this module keeps. */
class EveryStrategyTest {

  static Stream<Arguments> strategies() {
    return Stream.of(
        Arguments.of("roundRobin", Strategies.roundRobin()),
        Arguments.of("random", Strategies.random()),
        Arguments.of("weightedRoundRobin", Strategies.weightedRoundRobin()),
        Arguments.of("weightedRandom", Strategies.weightedRandom()),
        Arguments.of("leastConnections", Strategies.leastConnections()),
        Arguments.of("leastConnections(P2C)", Strategies.leastConnections(0)),
        Arguments.of("weightedLeastConnections", Strategies.weightedLeastConnections()),
        Arguments.of("weightedLeastConnections(P2C)",
            Strategies.weightedLeastConnections(2.0, 0)),
        Arguments.of("powerOfTwoChoices", Strategies.powerOfTwoChoices()),
        Arguments.of("peakEwma", Strategies.peakEwma()),
        Arguments.of("orcaWeightedRoundRobin", Strategies.orcaWeightedRoundRobin()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("strategies")
  void neverChoosesAnExcludedServer(String name, Strategy strategy) {
    List<Server> servers = Fixtures.weighted(3, 1, 2, 5, 1, 4);
    Selector selector = Fixtures.selector(strategy, ServerPool.of(servers), 51);
    Request tried = Request.NONE.excluding(servers.get(0)).excluding(servers.get(3))
        .excluding(servers.get(5));
    long[] counts = new long[servers.size()];
    for (int k = 0; k < 3000; k++) {
      counts[servers.indexOf(selector.choose(tried))]++;
    }
    assertThat(counts[0] + counts[3] + counts[5]).isZero();
    assertThat(counts[1] + counts[2] + counts[4]).isEqualTo(3000);
    Request onlyFourth = tried.excluding(servers.get(1)).excluding(servers.get(2));
    assertThat(selector.choose(onlyFourth)).isEqualTo(servers.get(4));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("strategies")
  void everyServerExcludedMeansAllExcluded(String name, Strategy strategy) {
    List<Server> servers = Fixtures.servers(3);
    Selector selector = Fixtures.selector(strategy, ServerPool.of(servers), 52);
    Request all = Request.NONE.excluding(servers.get(0)).excluding(servers.get(1))
        .excluding(servers.get(2));
    assertThatThrownBy(() -> selector.choose(all))
        .isInstanceOf(NoServerAvailableException.class)
        .extracting(e -> ((NoServerAvailableException) e).reason())
        .isEqualTo(NoServerAvailableException.Reason.ALL_EXCLUDED);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("strategies")
  void allWeightsZeroMeansAllDrained(String name, Strategy strategy) {
    Selector selector = Fixtures.selector(strategy, ServerPool.of(Fixtures.weighted(0, 0, 0)), 53);
    assertThatThrownBy(selector::choose)
        .isInstanceOf(NoServerAvailableException.class)
        .hasMessageContaining("all servers are drained")
        .extracting(e -> ((NoServerAvailableException) e).reason())
        .isEqualTo(NoServerAvailableException.Reason.ALL_DRAINED);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("strategies")
  void drainedServersAreNeverChosen(String name, Strategy strategy) {
    List<Server> servers = Fixtures.weighted(2, 0, 1, 0);
    Selector selector = Fixtures.selector(strategy, ServerPool.of(servers), 54);
    long[] counts = Fixtures.count(selector, servers, 2000);
    assertThat(counts[1] + counts[3]).isZero();
    assertThat(counts[0] + counts[2]).isEqualTo(2000);
    assertThat(counts[0]).isPositive(); // idle weighted least connections: always the heavier
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("strategies")
  void aSingleCandidateIsAlwaysChosen(String name, Strategy strategy) {
    List<Server> servers = Fixtures.weighted(0, 7, 0);
    Selector selector = Fixtures.selector(strategy, ServerPool.of(servers), 55);
    assertThat(Fixtures.count(selector, servers, 100)).containsExactly(0, 100, 0);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("strategies")
  void slowStartRampCutsAServersShare(String name, Strategy strategy) {
    List<Server> servers = Fixtures.servers(4);
    io.lbkit.spi.Picker picker = strategy.newPicker(
        Fixtures.ramped(servers, new double[] {0.1, 1.0, 1.0, 1.0}, 57), null);
    long[] counts = new long[4];
    for (int k = 0; k < 40_000; k++) {
      counts[servers.indexOf(picker.pick(Request.NONE))]++;
    }
    // Proportional strategies give the ramping server 0.1 / 3.1 = 3.2%; weighted least connections
    // compares in-flight / weight, so with nothing in flight it gives it nothing.
    assertThat(counts[0]).isLessThan(40_000L * 5 / 100);
    // What it turns away is spread evenly over the others (32.3% each), not dumped on a neighbour.
    long max = Math.max(counts[1], Math.max(counts[2], counts[3]));
    long min = Math.min(counts[1], Math.min(counts[2], counts[3]));
    assertThat(max - min).isLessThan(40_000L * 3 / 100);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("strategies")
  void choosingAllocatesNothing(String name, Strategy strategy) {
    List<Server> servers = Fixtures.weighted(3, 1, 2, 5, 1, 4);
    Selector selector = Fixtures.selector(strategy, ServerPool.of(servers), 56);
    long allocated = Fixtures.allocatedByPicks(selector, Request.NONE.excluding(servers.get(3)));
    // 200 000 picks; a single boxed value or iterator per pick would be >= 3 MB.
    assertThat(allocated).isLessThan(1024);
  }
}
