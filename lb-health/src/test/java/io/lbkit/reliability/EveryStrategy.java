package io.lbkit.reliability;

import io.lbkit.Strategy;
import io.lbkit.strategy.ConsistentHashConfig;
import io.lbkit.strategy.Strategies;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Every strategy lbkit ships, by name, in the configurations the reliability suite runs: each
 * algorithm once with its defaults, plus the variants whose pick path differs (bounded-load
 * hashing, the zone and subset wrappers).
 */
final class EveryStrategy {
  private EveryStrategy() {}

  /** A strategy and the name a failing test reports it by. */
  record Named(String name, Strategy strategy) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Named> all() {
    return all(Strategies.maglev());
  }

  /**
   * As {@link #all()}, with Maglev on a smaller table (2053 slots): the stress rebuilds thousands
   * of pickers over pools of under ten servers, where a 65537-slot table only costs build time.
   */
  static List<Named> forStress() {
    return all(Strategies.maglev(2053));
  }

  private static List<Named> all(Strategy maglev) {
    return List.of(
        new Named("roundRobin", Strategies.roundRobin()),
        new Named("random", Strategies.random()),
        new Named("weightedRoundRobin", Strategies.weightedRoundRobin()),
        new Named("weightedRandom", Strategies.weightedRandom()),
        new Named("leastConnections", Strategies.leastConnections()),
        new Named("leastConnections(P2C)", Strategies.leastConnections(0)),
        new Named("weightedLeastConnections", Strategies.weightedLeastConnections()),
        new Named("weightedLeastConnections(2.0, P2C)",
            Strategies.weightedLeastConnections(2.0, 0)),
        new Named("powerOfTwoChoices", Strategies.powerOfTwoChoices()),
        new Named("peakEwma", Strategies.peakEwma()),
        new Named("hash", Strategies.hash()),
        new Named("consistentHash", Strategies.consistentHash()),
        new Named("consistentHash(boundedLoad 1.25)", Strategies.consistentHash(
            ConsistentHashConfig.builder().boundedLoad(1.25).build())),
        new Named("maglev", maglev),
        new Named("rendezvous", Strategies.rendezvous()),
        new Named("zoneAware(z1, roundRobin)",
            Strategies.zoneAware("z1", Strategies.roundRobin())),
        new Named("subset(3, 0, random)", Strategies.subset(3, "0", Strategies.random())));
  }

  /** For {@code @MethodSource}: one argument set (name, strategy) per strategy. */
  static Stream<Arguments> arguments() {
    return all().stream().map(n -> Arguments.of(n.name(), n.strategy()));
  }

  /** For {@code @MethodSource}: {@link #forStress()} as argument sets. */
  static Stream<Arguments> stressArguments() {
    return forStress().stream().map(n -> Arguments.of(n.name(), n.strategy()));
  }

  /** Whether the strategy may refuse a request although a non-excluded candidate exists. */
  static boolean confinesToSubset(String name) {
    return name.startsWith("subset");
  }
}
