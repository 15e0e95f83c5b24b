package io.lbkit.reliability;

import static io.lbkit.reliability.PropertyRunner.anyInt;
import static io.lbkit.reliability.PropertyRunner.between;
import static io.lbkit.reliability.PropertyRunner.earlier;
import static io.lbkit.reliability.PropertyRunner.oneOf;
import static io.lbkit.reliability.PropertyRunner.shrinkList;
import static io.lbkit.reliability.PropertyRunner.smaller;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.PoolSnapshot;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Guarantees 1, 2, 3 and 7 for every generated sequence of pool updates (sizes 0 to 10 000,
 * weights 0 to {@link Integer#MAX_VALUE}, zones, priorities, duplicate ids), failures, successes,
 * passing time and choices with exclusions, for every strategy. {@link PoolHarness} states the
 * checks. The seeds are fixed so that CI runs the same cases every time; sizes are mostly small,
 * with a few pools in the thousands, to keep the run short. {@link PropertyRunner} draws the
 * cases and shrinks a failing one.
 */
class PoolActionProperties {
  private static final List<EveryStrategy.Named> STRATEGIES = EveryStrategy.all();
  private static final List<Double> EJECTION_PERCENTS = List.of(0.0, 10.0, 34.0, 50.0, 100.0);
  private static final List<Double> PANIC_THRESHOLDS = List.of(0.0, 50.0, 90.0);
  private static final List<Integer> ADVANCE_SECONDS = List.of(1, 3, 5, 10, 11, 31, 61);

  /** One generated run: a strategy, a first pool, the actions and the health settings. */
  record Sequence(EveryStrategy.Named strategy, PoolSpec initial, List<PoolAction> actions,
      double maxEjectionPercent, boolean alwaysAllowOne, double panicThreshold) {}

  /** What one run went through: the generator's coverage, counted and asserted. */
  record Seen(String strategy, int largestPool, int ejections, boolean panic) {}

  @Test
  void everyActionSequenceKeepsGuaranteesOneTwoThreeAndSeven() {
    List<Seen> seen = new ArrayList<>();
    PropertyRunner.forAll("everyActionSequenceKeepsGuaranteesOneTwoThreeAndSeven", 8128, 150,
        PoolActionProperties::sequence, PoolActionProperties::shrinkSequence,
        s -> seen.add(run(s)));

    // The generator must keep reaching the states the guarantees are about, or the property
    // would pass without checking them.
    Map<String, Integer> byStrategy = new TreeMap<>();
    Map<String, Integer> byEjections = new TreeMap<>();
    int large = 0;
    int panics = 0;
    for (Seen s : seen) {
      byStrategy.merge(s.strategy(), 1, Integer::sum);
      byEjections.merge(s.ejections() == 0 ? "0" : s.ejections() < 5 ? "1..4" : ">= 5", 1,
          Integer::sum);
      large += s.largestPool() > 1000 ? 1 : 0;
      panics += s.panic() ? 1 : 0;
    }
    System.out.printf("%d sequences; by strategy %s; passive ejections %s; %d with a pool over"
        + " 1000; %d saw panic%n", seen.size(), byStrategy, byEjections, large, panics);
    assertThat(new TreeSet<>(byStrategy.keySet())).hasSize(STRATEGIES.size());
    assertThat(byEjections).containsKeys("0", "1..4", ">= 5");
    assertThat(large).isPositive();
    assertThat(panics).isPositive();
  }

  @Test
  void aDuplicateIdIsRejectedAndLeavesThePoolAsItWas() {
    PropertyRunner.forAll("aDuplicateIdIsRejectedAndLeavesThePoolAsItWas", 496, 60,
        r -> new Duplicate(sizedPool(r, 4), sizedPool(r, 0), anyInt(r)),
        d -> {
          List<Duplicate> out = new ArrayList<>();
          shrinkPool(d.initial()).forEach(p -> out.add(new Duplicate(p, d.next(), d.position())));
          shrinkPool(d.next()).forEach(p -> out.add(new Duplicate(d.initial(), p, d.position())));
          smaller(d.position(), 0).forEach(p -> out.add(new Duplicate(d.initial(), d.next(), p)));
          return out;
        },
        PoolActionProperties::checkDuplicate);
  }

  record Duplicate(PoolSpec initial, PoolSpec next, int position) {}

  private static void checkDuplicate(Duplicate d) {
    ServerPool pool = ServerPool.of(d.initial().servers());
    PoolSnapshot before = pool.snapshot();
    List<Server> content = new ArrayList<>(d.next().servers());
    if (content.isEmpty()) {
      content.add(Server.of("10.9.9.9", 9));
    }
    Server original = content.get(Math.floorMod(d.position(), content.size()));
    content.add(Server.builder("192.0.2.1", 1).id(original.id()).weight(3).build());

    assertThatThrownBy(() -> pool.update(content))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("servers[" + (content.size() - 1) + "].id: \"" + original.id()
            + "\" (expected: unique within the pool)");
    assertThat(pool.snapshot()).isSameAs(before);
    assertThat(pool.servers()).isEqualTo(d.initial().servers());
  }

  private static Seen run(Sequence s) {
    try (PoolHarness h = new PoolHarness(s.strategy(), s.initial(), s.maxEjectionPercent(),
        s.alwaysAllowOne(), s.panicThreshold())) {
      for (PoolAction a : s.actions()) {
        h.apply(a);
      }
      h.finish();
      int largest = s.initial().size();
      for (PoolAction a : s.actions()) {
        if (a instanceof PoolAction.Update u) {
          largest = Math.max(largest, u.spec().size());
        }
      }
      return new Seen(s.strategy().name(), largest, h.ejections, h.panicSeen);
    }
  }

  // ---- generators ----

  private static Sequence sequence(SplittableRandom r) {
    EveryStrategy.Named strategy = STRATEGIES.get(r.nextInt(STRATEGIES.size()));
    PoolSpec initial = sizedPool(r, 4);
    int length = between(r, 1, 30);
    List<PoolAction> actions = new ArrayList<>(length);
    for (int i = 0; i < length; i++) {
      actions.add(action(r));
    }
    return new Sequence(strategy, initial, actions,
        EJECTION_PERCENTS.get(r.nextInt(EJECTION_PERCENTS.size())), r.nextBoolean(),
        PANIC_THRESHOLDS.get(r.nextInt(PANIC_THRESHOLDS.size())));
  }

  /**
   * Mostly up to a dozen servers; with {@code largeFrequency > 0}, 16 in 100 + f have 13 to 300
   * and f in 100 + f have 1 000 to 10 000. The seed is any long.
   */
  private static PoolSpec sizedPool(SplittableRandom r, int largeFrequency) {
    int size;
    if (largeFrequency == 0) {
      size = between(r, 0, 12);
    } else {
      int roll = r.nextInt(80 + 16 + largeFrequency);
      size = roll < 80 ? between(r, 0, 12) : roll < 96 ? between(r, 13, 300)
          : between(r, 1_000, 10_000);
    }
    return new PoolSpec(size, r.nextLong());
  }

  /** update 3, duplicate 1, fail 6, succeed 2, advance 3, choose 4 (of 19). */
  private static PoolAction action(SplittableRandom r) {
    int roll = r.nextInt(19);
    if (roll < 3) {
      return new PoolAction.Update(sizedPool(r, 1));
    } else if (roll < 4) {
      return new PoolAction.UpdateWithDuplicate(sizedPool(r, 0), anyInt(r));
    } else if (roll < 10) {
      return new PoolAction.Fail(between(r, 0, 10_000), between(r, 1, 6));
    } else if (roll < 12) {
      return new PoolAction.Succeed(between(r, 0, 10_000), between(r, 1, 6));
    } else if (roll < 15) {
      return new PoolAction.Advance(oneOf(r, ADVANCE_SECONDS.toArray(new Integer[0])));
    }
    return new PoolAction.Choose(between(r, 1, 20), r.nextLong(), between(r, 0, 12),
        r.nextBoolean());
  }

  // ---- shrinkers: simplest first ----

  private static List<Sequence> shrinkSequence(Sequence s) {
    List<Sequence> out = new ArrayList<>();
    for (List<PoolAction> shorter : shrinkList(s.actions(), 1,
        PoolActionProperties::shrinkAction)) {
      out.add(new Sequence(s.strategy(), s.initial(), shorter, s.maxEjectionPercent(),
          s.alwaysAllowOne(), s.panicThreshold()));
    }
    for (PoolSpec p : shrinkPool(s.initial())) {
      out.add(new Sequence(s.strategy(), p, s.actions(), s.maxEjectionPercent(),
          s.alwaysAllowOne(), s.panicThreshold()));
    }
    for (EveryStrategy.Named n : earlier(STRATEGIES, s.strategy())) {
      out.add(new Sequence(n, s.initial(), s.actions(), s.maxEjectionPercent(),
          s.alwaysAllowOne(), s.panicThreshold()));
    }
    for (double p : earlier(EJECTION_PERCENTS, s.maxEjectionPercent())) {
      out.add(new Sequence(s.strategy(), s.initial(), s.actions(), p, s.alwaysAllowOne(),
          s.panicThreshold()));
    }
    if (s.alwaysAllowOne()) {
      out.add(new Sequence(s.strategy(), s.initial(), s.actions(), s.maxEjectionPercent(),
          false, s.panicThreshold()));
    }
    for (double p : earlier(PANIC_THRESHOLDS, s.panicThreshold())) {
      out.add(new Sequence(s.strategy(), s.initial(), s.actions(), s.maxEjectionPercent(),
          s.alwaysAllowOne(), p));
    }
    return out;
  }

  private static List<PoolSpec> shrinkPool(PoolSpec p) {
    List<PoolSpec> out = new ArrayList<>();
    smaller(p.size(), 0).forEach(size -> out.add(new PoolSpec(size, p.seed())));
    if (p.seed() != 0) {
      out.add(new PoolSpec(p.size(), 0));
    }
    return out;
  }

  private static List<PoolAction> shrinkAction(PoolAction a) {
    List<PoolAction> out = new ArrayList<>();
    if (a instanceof PoolAction.Update u) {
      shrinkPool(u.spec()).forEach(p -> out.add(new PoolAction.Update(p)));
    } else if (a instanceof PoolAction.UpdateWithDuplicate d) {
      shrinkPool(d.spec()).forEach(p -> out.add(new PoolAction.UpdateWithDuplicate(p, d.at())));
      smaller(d.at(), 0).forEach(at -> out.add(new PoolAction.UpdateWithDuplicate(d.spec(), at)));
    } else if (a instanceof PoolAction.Fail f) {
      smaller(f.times(), 1).forEach(t -> out.add(new PoolAction.Fail(f.index(), t)));
      smaller(f.index(), 0).forEach(i -> out.add(new PoolAction.Fail(i, f.times())));
    } else if (a instanceof PoolAction.Succeed s) {
      smaller(s.times(), 1).forEach(t -> out.add(new PoolAction.Succeed(s.index(), t)));
      smaller(s.index(), 0).forEach(i -> out.add(new PoolAction.Succeed(i, s.times())));
    } else if (a instanceof PoolAction.Advance v) {
      earlier(ADVANCE_SECONDS, v.seconds()).forEach(t -> out.add(new PoolAction.Advance(t)));
    } else if (a instanceof PoolAction.Choose c) {
      smaller(c.count(), 1).forEach(n -> out.add(
          new PoolAction.Choose(n, c.seed(), c.maxExcluded(), c.keyed())));
      smaller(c.maxExcluded(), 0).forEach(m -> out.add(
          new PoolAction.Choose(c.count(), c.seed(), m, c.keyed())));
      if (c.keyed()) {
        out.add(new PoolAction.Choose(c.count(), c.seed(), c.maxExcluded(), false));
      }
      if (c.seed() != 0) {
        out.add(new PoolAction.Choose(c.count(), 0, c.maxExcluded(), c.keyed()));
      }
    }
    return out;
  }
}
