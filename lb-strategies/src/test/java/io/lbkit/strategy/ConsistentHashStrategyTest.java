package io.lbkit.strategy;

import static io.lbkit.strategy.HashFixtures.KEYS;
import static io.lbkit.strategy.HashFixtures.candidates;
import static io.lbkit.strategy.HashFixtures.keys;
import static io.lbkit.strategy.HashFixtures.maxOverMean;
import static io.lbkit.strategy.HashFixtures.moves;
import static io.lbkit.strategy.HashFixtures.owners;
import static io.lbkit.strategy.HashFixtures.selector;
import static io.lbkit.strategy.HashFixtures.servers;
import static io.lbkit.strategy.HashFixtures.tally;
import static io.lbkit.strategy.HashFixtures.weighted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.lbkit.LoadTracker;
import io.lbkit.NoServerAvailableException;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.Strategy;
import io.lbkit.spi.Candidates;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConsistentHashStrategyTest {
  private static final Request[] KEY_SET = keys(KEYS);

  @Test
  void removingOneOfTenServersMovesOnlyThatServersKeys() {
    ServerPool pool = ServerPool.of(servers(10));
    Selector selector = selector(Strategies.consistentHash(), pool);
    String[] before = owners(selector, KEY_SET);
    Server removed = pool.servers().get(3);

    pool.remove(removed);
    HashFixtures.Moves m = moves(before, owners(selector, KEY_SET), removed.id());

    assertThat(m.movedFromOthers()).isZero();
    assertThat(m.moved()).isEqualTo(m.ownedByRemoved()).isEqualTo(9228); // 9.2% of 100,000
  }

  /*
   * max/mean key share, 10 equal servers, 100,000 keys "user-0".."user-99999" (one fixed sample:
   * 320 points is not better than 160 here, which is within the sampling noise of 1/sqrt(points)).
   */
  @ParameterizedTest(name = "{0} points per unit -> max/mean {1}")
  @CsvSource({"40, 1.3017", "100, 1.1293", "160, 1.0729", "320, 1.0750"})
  void spreadsTenEqualServersAsMeasured(int vnodes, double expected) {
    Strategy ring = Strategies.consistentHash(
        ConsistentHashConfig.builder().vnodesPerWeight(vnodes).build());
    double spread = maxOverMean(owners(selector(ring, ServerPool.of(servers(10))), KEY_SET), 10);
    assertThat(spread).isCloseTo(expected, within(0.0001));
  }

  @Test
  void defaultRingKeepsMaxOverMeanAtMost1point20() {
    double spread = maxOverMean(
        owners(selector(Strategies.consistentHash(), ServerPool.of(servers(10))), KEY_SET), 10);
    assertThat(spread).isLessThanOrEqualTo(1.20);
  }

  @Test
  void honoursWeightsWithinTwoAndAHalfPoints() {
    ServerPool pool = ServerPool.of(weighted(1, 2, 3, 4));
    Map<String, Integer> t = tally(owners(selector(Strategies.consistentHash(), pool), KEY_SET));
    for (Server s : pool.servers()) {
      assertThat(t.get(s.id()) / (double) KEYS)
          .as(s.id()).isCloseTo(s.weight() / 10.0, within(0.025));
    }
  }

  @Test
  void boundedLoadKeepsEveryServerWithinCeilOfCTimesMeanUnderOneHotKey() {
    ServerPool pool = ServerPool.of(servers(10));
    LoadTracker tracker = LoadTracker.create();
    Selector selector = Selector.builder(pool)
        .strategy(Strategies.consistentHash(ConsistentHashConfig.builder().boundedLoad(1.25).build()))
        .tracker(tracker).random(RandomSource.seeded(3)).build();
    Request hot = Request.withKey("celebrity");
    int calls = 1000;
    for (int started = 1; started <= calls; started++) {
      tracker.onStart(selector.choose(hot));
      int bound = (int) Math.ceil(1.25 * started / 10.0);
      for (Server s : pool.servers()) {
        assertThat(tracker.stats(s).inFlight()).as("after %d calls", started).isLessThanOrEqualTo(bound);
      }
    }
    int busy = 0;
    for (Server s : pool.servers()) {
      busy += tracker.stats(s).inFlight() == 125 ? 1 : 0;
    }
    assertThat(busy).isEqualTo(8); // 1000 calls fill 8 servers to ceil(1.25 x 100) = 125
  }

  @Test
  void withoutBoundAHotKeyStaysOnOneServer() {
    ServerPool pool = ServerPool.of(servers(10));
    LoadTracker tracker = LoadTracker.create();
    Selector selector = Selector.builder(pool).strategy(Strategies.consistentHash())
        .tracker(tracker).build();
    Server first = selector.choose(Request.withKey("celebrity"));
    for (int i = 0; i < 100; i++) {
      tracker.onStart(selector.choose(Request.withKey("celebrity")));
    }
    assertThat(tracker.stats(first).inFlight()).isEqualTo(100);
  }

  @Test
  void healthOnlyRebuildReusesTheSortedRing() {
    ServerPool pool = ServerPool.of(servers(10));
    Candidates all = candidates(pool);
    Strategy ring = Strategies.consistentHash();
    ConsistentHashStrategy.RingPicker p1 =
        (ConsistentHashStrategy.RingPicker) ring.newPicker(all, null);
    Server ejected = all.server(5);
    Candidates healthy = all.filter(i -> i != 5);

    ConsistentHashStrategy.RingPicker p2 =
        (ConsistentHashStrategy.RingPicker) ring.newPicker(healthy, p1);
    ConsistentHashStrategy.RingPicker fresh =
        (ConsistentHashStrategy.RingPicker) ring.newPicker(healthy, null);

    assertThat(p2.base).isSameAs(p1.base);
    assertThat(fresh.base).isNotSameAs(p1.base);
    for (Request k : KEY_SET) {
      Server s = p2.pick(k);
      assertThat(s).isNotEqualTo(ejected);
      assertThat(s).isSameAs(fresh.pick(k));
    }
  }

  @Test
  void membershipChangeBuildsANewRing() {
    ServerPool pool = ServerPool.of(servers(10));
    Strategy ring = Strategies.consistentHash();
    ConsistentHashStrategy.RingPicker p1 =
        (ConsistentHashStrategy.RingPicker) ring.newPicker(candidates(pool), null);
    pool.remove(pool.servers().get(0));
    ConsistentHashStrategy.RingPicker p2 =
        (ConsistentHashStrategy.RingPicker) ring.newPicker(candidates(pool), p1);
    assertThat(p2.base).isNotSameAs(p1.base);
    assertThat(p2.base.points).hasSize(9 * 160);
  }

  @Test
  void excludingAServerGivesTheSameAnswerAsRemovingIt() {
    ServerPool pool = ServerPool.of(servers(10));
    Selector selector = selector(Strategies.consistentHash(), pool);
    Server tried = pool.servers().get(7);
    String[] retries = new String[10_000];
    for (int i = 0; i < retries.length; i++) {
      retries[i] = selector.choose(KEY_SET[i].excluding(tried)).id();
    }
    pool.remove(tried);
    for (int i = 0; i < retries.length; i++) {
      assertThat(selector.choose(KEY_SET[i]).id()).isEqualTo(retries[i]);
    }
  }

  @Test
  void everyServerExcludedGivesAllExcluded() {
    ServerPool pool = ServerPool.of(servers(3));
    Selector selector = selector(Strategies.consistentHash(), pool);
    Request.Builder b = Request.builder().key("k");
    pool.servers().forEach(b::exclude);
    assertThatThrownBy(() -> selector.choose(b.build()))
        .isInstanceOf(NoServerAvailableException.class)
        .extracting(e -> ((NoServerAvailableException) e).reason())
        .isEqualTo(NoServerAvailableException.Reason.ALL_EXCLUDED);
  }

  @Test
  void keylessRequestsSpreadRandomly() {
    ServerPool pool = ServerPool.of(servers(10));
    Selector selector = selector(Strategies.consistentHash(), pool);
    String[] ids = new String[10_000];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = selector.choose().id();
    }
    assertThat(tally(ids)).hasSize(10);
  }

  @Test
  void hugeWeightsAreScaledToTheRingCap() {
    List<Server> big = new ArrayList<>();
    for (Server s : servers(1000)) {
      big.add(s.toBuilder().weight(Integer.MAX_VALUE).build());
    }
    ServerPool pool = ServerPool.of(big);
    ConsistentHashStrategy.RingPicker p = (ConsistentHashStrategy.RingPicker)
        Strategies.consistentHash().newPicker(candidates(pool), null);
    // 160 x 2^31 x 1000 points wanted; scaled to the cap, floor(1,048.576) = 1048 each.
    assertThat(p.base.points).hasSize(1048 * 1000);
    assertThat(p.pick(KEY_SET[0])).isIn(big);
  }

  @Test
  void allWeightsZeroMeansAllDrained() {
    List<Server> drained = new ArrayList<>();
    for (Server s : servers(3)) {
      drained.add(s.toBuilder().weight(0).build());
    }
    Selector selector = selector(Strategies.consistentHash(), ServerPool.of(drained));
    assertThatThrownBy(() -> selector.choose(KEY_SET[0]))
        .isInstanceOf(NoServerAvailableException.class)
        .hasMessageContaining("drained")
        .extracting(e -> ((NoServerAvailableException) e).reason())
        .isEqualTo(NoServerAvailableException.Reason.ALL_DRAINED);
  }

  @Test
  void rejectsBadSettingsWithClearMessages() {
    assertThatThrownBy(() -> ConsistentHashConfig.builder().vnodesPerWeight(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("vnodesPerWeight: 0 (expected: 1..65536)");
    assertThatThrownBy(() -> ConsistentHashConfig.builder().vnodesPerWeight(-5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("vnodesPerWeight: -5 (expected: 1..65536)");
    assertThatThrownBy(() -> ConsistentHashConfig.builder().boundedLoad(1.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("boundedLoad: 1.0 (expected: > 1 and finite)");
    assertThatThrownBy(() -> ConsistentHashConfig.builder().boundedLoad(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("boundedLoad: NaN (expected: > 1 and finite)");
    assertThatThrownBy(() -> Strategies.consistentHash(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("config: null (expected: non-null)");
  }

  @Test
  void emptyKeyIsRejectedWhenTheRequestIsBuilt() {
    assertThatThrownBy(() -> Request.withKey(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key: \"\" (expected: a non-empty string)");
  }

  @Test
  void defaultsAre160PointsAndNoBound() {
    ConsistentHashConfig d = ConsistentHashConfig.defaults();
    assertThat(d.vnodesPerWeight()).isEqualTo(160);
    assertThat(d.isBounded()).isFalse();
  }
}
