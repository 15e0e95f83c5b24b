package io.lbkit.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.PoolSnapshot;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Guarantees 1, 2, 3 and 7 for every generated sequence of pool updates (sizes 0 to 10 000,
 * weights 0 to {@link Integer#MAX_VALUE}, zones, priorities, duplicate ids), failures, successes,
 * passing time and choices with exclusions, for every strategy. {@link PoolHarness} states the
 * checks. The seeds are fixed so that CI runs the same cases every time; sizes are mostly small,
 * with a few pools in the thousands, to keep the run short.
 */
class PoolActionProperties {

  @Property(tries = 150, seed = "8128", edgeCases = EdgeCasesMode.NONE)
  void everyActionSequenceKeepsGuaranteesOneTwoThreeAndSeven(
      @ForAll("strategies") EveryStrategy.Named strategy,
      @ForAll("initialPools") PoolSpec initial,
      @ForAll("actions") List<PoolAction> actions,
      @ForAll("ejectionPercents") double maxEjectionPercent,
      @ForAll boolean alwaysAllowOne,
      @ForAll("panicThresholds") double panicThreshold) {
    try (PoolHarness h = new PoolHarness(strategy, initial, maxEjectionPercent, alwaysAllowOne,
        panicThreshold)) {
      for (PoolAction a : actions) {
        h.apply(a);
      }
      h.finish();
      int largest = initial.size();
      for (PoolAction a : actions) {
        if (a instanceof PoolAction.Update u) {
          largest = Math.max(largest, u.spec().size());
        }
      }
      Statistics.label("strategy").collect(strategy.name());
      Statistics.label("largest pool").collect(largest > 1000 ? "> 1000" : largest > 12
          ? "13..1000" : "0..12");
      Statistics.label("passive ejections").collect(h.ejections == 0 ? "0"
          : h.ejections < 5 ? "1..4" : ">= 5");
      Statistics.label("panic seen").collect(h.panicSeen);
    }
  }

  @Property(tries = 60, seed = "496", edgeCases = EdgeCasesMode.NONE)
  void aDuplicateIdIsRejectedAndLeavesThePoolAsItWas(
      @ForAll("initialPools") PoolSpec initial,
      @ForAll("smallPools") PoolSpec next,
      @ForAll int position) {
    ServerPool pool = ServerPool.of(initial.servers());
    PoolSnapshot before = pool.snapshot();
    List<Server> content = new ArrayList<>(next.servers());
    if (content.isEmpty()) {
      content.add(Server.of("10.9.9.9", 9));
    }
    Server original = content.get(Math.floorMod(position, content.size()));
    content.add(Server.builder("192.0.2.1", 1).id(original.id()).weight(3).build());

    assertThatThrownBy(() -> pool.update(content))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("servers[" + (content.size() - 1) + "].id: \"" + original.id()
            + "\" (expected: unique within the pool)");
    assertThat(pool.snapshot()).isSameAs(before);
    assertThat(pool.servers()).isEqualTo(initial.servers());
  }

  @Provide
  Arbitrary<EveryStrategy.Named> strategies() {
    return Arbitraries.of(EveryStrategy.all());
  }

  /** Mostly up to a dozen servers, some hundreds, a few thousands up to 10 000. */
  @Provide
  Arbitrary<PoolSpec> initialPools() {
    return sizedPools(4);
  }

  @Provide
  Arbitrary<PoolSpec> smallPools() {
    return sizedPools(0);
  }

  private static Arbitrary<PoolSpec> sizedPools(int largeFrequency) {
    Arbitrary<Integer> sizes = largeFrequency == 0
        ? Arbitraries.integers().between(0, 12)
        : Arbitraries.frequencyOf(
            Tuple.of(80, Arbitraries.integers().between(0, 12)),
            Tuple.of(16, Arbitraries.integers().between(13, 300)),
            Tuple.of(largeFrequency, Arbitraries.integers().between(1_000, 10_000)));
    return Combinators.combine(sizes, Arbitraries.longs()).as(PoolSpec::new);
  }

  @Provide
  Arbitrary<List<PoolAction>> actions() {
    Arbitrary<PoolAction> update = sizedPools(1).map(PoolAction.Update::new);
    Arbitrary<PoolAction> duplicate = Combinators.combine(sizedPools(0),
        Arbitraries.integers()).as(PoolAction.UpdateWithDuplicate::new);
    Arbitrary<PoolAction> fail = Combinators.combine(Arbitraries.integers().between(0, 10_000),
        Arbitraries.integers().between(1, 6)).as(PoolAction.Fail::new);
    Arbitrary<PoolAction> succeed = Combinators.combine(Arbitraries.integers().between(0, 10_000),
        Arbitraries.integers().between(1, 6)).as(PoolAction.Succeed::new);
    Arbitrary<PoolAction> advance = Arbitraries.of(1, 3, 5, 10, 11, 31, 61)
        .map(PoolAction.Advance::new);
    Arbitrary<PoolAction> choose = Combinators.combine(Arbitraries.integers().between(1, 20),
        Arbitraries.longs(), Arbitraries.integers().between(0, 12), Arbitraries.of(true, false))
        .as(PoolAction.Choose::new);
    return Arbitraries.frequencyOf(
        Tuple.of(3, update),
        Tuple.of(1, duplicate),
        Tuple.of(6, fail),
        Tuple.of(2, succeed),
        Tuple.of(3, advance),
        Tuple.of(4, choose)).list().ofMinSize(1).ofMaxSize(30);
  }

  @Provide
  Arbitrary<Double> ejectionPercents() {
    return Arbitraries.of(0.0, 10.0, 34.0, 50.0, 100.0);
  }

  @Provide
  Arbitrary<Double> panicThresholds() {
    return Arbitraries.of(0.0, 50.0, 90.0);
  }
}
