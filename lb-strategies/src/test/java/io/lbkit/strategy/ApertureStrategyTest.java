package io.lbkit.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.Fleet;
import io.lbkit.LoadTracker;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.Strategy;
import io.lbkit.internal.DefaultSelector;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.Picker;
import io.lbkit.testing.ManualFleet;
import io.lbkit.testing.ManualTicker;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code subset(size, fleet, delegate)} through real selectors, seeded. */
class ApertureStrategyTest {
  /** Chi-square critical values at p = 0.001 for 3 and 5 degrees of freedom. */
  private static final double CHI2_CRITICAL_DF3 = 16.266;
  private static final double CHI2_CRITICAL_DF5 = 20.515;
  private static final int PICKS = 120_000;

  private final List<Server> servers = Fixtures.servers(6);
  private final ServerPool pool = ServerPool.of(servers);

  private static Selector selector(Strategy strategy, ServerPool pool, long seed) {
    return Fixtures.selector(strategy, pool, seed);
  }

  @Test
  void picksFollowTheSharesOfTheClientsWindow() {
    // 6 servers, 4 clients, size 2: windows half the ring wide; client 1 from 1.5 to 4.5
    Selector s = selector(Strategies.subset(2, Fleet.fixed(1, 4), Strategies.weightedRandom()),
        pool, 42);
    long[] counts = Fixtures.count(s, servers, PICKS);
    assertThat(counts[0]).isZero();
    assertThat(counts[5]).isZero();
    double[] p = {0, 1 / 6.0, 1 / 3.0, 1 / 3.0, 1 / 6.0, 0};
    assertThat(chiSquare(counts, p)).isLessThan(CHI2_CRITICAL_DF3);
  }

  @Test
  void theFleetsPicksTogetherLoadEveryServerEqually() {
    long[] total = new long[servers.size()];
    for (int c = 0; c < 4; c++) {
      Selector s = selector(Strategies.subset(2, Fleet.fixed(c, 4),
          Strategies.weightedRoundRobin()), pool, c);
      long[] counts = Fixtures.count(s, servers, 60_000);
      for (int i = 0; i < total.length; i++) {
        total[i] += counts[i];
      }
    }
    // a weighted round robin follows its weights exactly over each cycle: 40 000 each
    for (long n : total) {
      assertThat(n).isBetween(39_990L, 40_010L);
    }
    assertThat(Fixtures.chiSquare(total, Fixtures.uniform(6))).isLessThan(CHI2_CRITICAL_DF5);
  }

  @Test
  void aFleetChangeRebuildsTheSelectorWithNoPoolChange() {
    ManualFleet fleet = new ManualFleet(new Fleet.Position(0, 4));
    Selector s = selector(Strategies.subset(2, fleet, Strategies.weightedRandom()), pool, 3);
    long published = ((DefaultSelector) s).publications();
    long[] before = Fixtures.count(s, servers, 10_000);
    assertThat(before[3]).isZero(); // client 0 of 4: servers 0..2
    assertThat(fleet.listenerCount()).isEqualTo(1);

    fleet.move(new Fleet.Position(2, 4)); // servers 3..5 now

    assertThat(((DefaultSelector) s).publications()).isEqualTo(published + 1);
    long[] after = Fixtures.count(s, servers, 10_000);
    assertThat(after[0] + after[1] + after[2]).isZero();
    assertThat(after[3] + after[4] + after[5]).isEqualTo(10_000);
    s.close();
    assertThat(fleet.listenerCount()).isZero();
  }

  @Test
  void anUnknownPositionUsesTheWholePoolUntilTheFleetKnowsIt() {
    ManualFleet fleet = new ManualFleet(null);
    Selector s = selector(Strategies.subset(2, fleet, Strategies.roundRobin()), pool, 1);
    long[] whole = Fixtures.count(s, servers, 600);
    assertThat(whole).containsOnly(100L);

    fleet.move(new Fleet.Position(0, 3)); // a third of the ring: servers 0 and 1

    long[] subset = Fixtures.count(s, servers, 600);
    assertThat(subset).containsExactly(300, 300, 0, 0, 0, 0);
  }

  @Test
  void wrappersPassTheListenerOnSoZoneAwareAndSubsetOverAFleetRebuildToo() {
    ManualFleet fleet = new ManualFleet(new Fleet.Position(0, 3));
    Strategy strategy = Strategies.zoneAware("eu-1",
        Strategies.subset(6, "0", Strategies.subset(2, fleet, Strategies.roundRobin())));
    Selector s = selector(strategy, pool, 1);
    assertThat(fleet.listenerCount()).isEqualTo(1);
    assertThat(Fixtures.count(s, servers, 600)).containsExactly(300, 300, 0, 0, 0, 0);
    fleet.move(new Fleet.Position(2, 3));
    assertThat(Fixtures.count(s, servers, 600)).containsExactly(0, 0, 0, 0, 300, 300);
    s.close();
    assertThat(fleet.listenerCount()).isZero();
  }

  @Test
  void theWindowIsReusedUnlessThePoolOrThePositionChanged() {
    ManualFleet fleet = new ManualFleet(new Fleet.Position(1, 4));
    Strategy strategy = Strategies.subset(2, fleet, Strategies.roundRobin());
    LoadTracker tracker = LoadTracker.create(new ManualTicker());
    Candidates all = Fixtures.candidates(servers, tracker, 1);
    Candidates fewer = all.filter(i -> i != 2); // a health change: same pool snapshot
    var first = (ApertureStrategy.AperturePicker) strategy.newPicker(all, null);
    var health = (ApertureStrategy.AperturePicker) strategy.newPicker(fewer, first);
    assertThat(health.shares).isSameAs(first.shares);
    fleet.move(new Fleet.Position(2, 4));
    var moved = (ApertureStrategy.AperturePicker) strategy.newPicker(fewer, health);
    assertThat(moved.shares).isNotEqualTo(first.shares);
    Picker otherPool = strategy.newPicker(Fixtures.candidates(servers, tracker, 1), moved);
    assertThat(((ApertureStrategy.AperturePicker) otherPool).shares)
        .isNotSameAs(moved.shares).isEqualTo(moved.shares);
  }

  @Test
  void whenNoServerOfTheWindowIsACandidateTheDelegateGetsThemAll() {
    Strategy strategy = Strategies.subset(2, Fleet.fixed(0, 3), Strategies.roundRobin());
    LoadTracker tracker = LoadTracker.create(new ManualTicker());
    Candidates outside = Fixtures.candidates(servers, tracker, 1).filter(i -> i >= 2);
    Picker p = strategy.newPicker(outside, null);
    assertThat(p.pick(io.lbkit.Request.NONE)).isIn(servers.subList(2, 6));
  }

  @Test
  void argumentsAreChecked() {
    assertThatThrownBy(() -> Strategies.subset(0, Fleet.fixed(0, 1), Strategies.random()))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("size: 0 (expected: > 0)");
    assertThatThrownBy(() -> Strategies.subset(1, (Fleet) null, Strategies.random()))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("fleet");
    assertThatThrownBy(() -> Strategies.subset(1, Fleet.fixed(0, 1), null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("delegate");
    assertThat(Strategies.subset(3, Fleet.fixed(0, 2), Strategies.random()))
        .hasToString("subset{size=3, Fleet.fixed(0/2), random}");
  }

  /** Chi-square over the non-zero categories only. */
  private static double chiSquare(long[] counts, double[] p) {
    double total = 0;
    for (long c : counts) {
      total += c;
    }
    double chi = 0;
    for (int i = 0; i < counts.length; i++) {
      if (p[i] > 0) {
        double d = counts[i] - total * p[i];
        chi += d * d / (total * p[i]);
      }
    }
    return chi;
  }
}
