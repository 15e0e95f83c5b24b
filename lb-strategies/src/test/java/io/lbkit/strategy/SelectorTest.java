package io.lbkit.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.NoServerAvailableException;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The selector and the two foundation strategies, end to end through the picker SPI. */
class SelectorTest {

  private static List<Server> servers(int n) {
    List<Server> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(Server.of("10.0.0." + i, 8080));
    }
    return list;
  }

  private static Selector selector(ServerPool pool, io.lbkit.Strategy strategy) {
    return Selector.builder(pool).strategy(strategy).random(RandomSource.seeded(42)).build();
  }

  @Test
  void roundRobinGivesEachServerExactlyKPicksInNTimesKCalls() {
    int n = 7;
    int k = 1000;
    Selector rr = selector(ServerPool.of(servers(n)), Strategies.roundRobin());
    Map<Server, Integer> counts = new HashMap<>();
    for (int i = 0; i < n * k; i++) {
      counts.merge(rr.choose(), 1, Integer::sum);
    }
    assertThat(counts).hasSize(n);
    assertThat(counts.values()).containsOnly(k);
  }

  @Test
  void roundRobinKeepsItsRotationAcrossPoolUpdates() {
    List<Server> five = servers(5);
    List<Server> four = new ArrayList<>(five.subList(0, 4));
    ServerPool pool = ServerPool.of(four);
    Selector rr = selector(pool, Strategies.roundRobin());
    int at = four.indexOf(rr.choose());
    assertThat(rr.choose()).isEqualTo(four.get((at + 1) % 4));
    // A rebuild (another server's weight changes) continues the sequence rather than restarting.
    four.set((at + 3) % 4, four.get((at + 3) % 4).toBuilder().weight(2).build());
    pool.update(four);
    assertThat(rr.choose()).isEqualTo(four.get((at + 2) % 4));
    assertThat(rr.choose()).isEqualTo(four.get((at + 3) % 4));
    // After the pool grows, the next five picks are one full rotation: no server twice.
    pool.add(five.get(4));
    List<Server> rotation = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      rotation.add(rr.choose());
    }
    assertThat(rotation).doesNotHaveDuplicates().hasSize(5);
  }

  @Test
  void randomIsUniformOnASeededSource() {
    int n = 10;
    int picks = 1_000_000;
    Selector random = selector(ServerPool.of(servers(n)), Strategies.random());
    Map<Server, Integer> counts = new HashMap<>();
    for (int i = 0; i < picks; i++) {
      counts.merge(random.choose(), 1, Integer::sum);
    }
    double expected = (double) picks / n;
    double chi2 = 0;
    for (int c : counts.values()) {
      chi2 += (c - expected) * (c - expected) / expected;
    }
    // Chi-square with 9 degrees of freedom: 27.88 is the critical value at p = 0.001.
    assertThat(counts).hasSize(n);
    assertThat(chi2).isLessThan(27.88);
    // And no server strays more than 1% from its share.
    assertThat(counts.values()).allSatisfy(c -> assertThat(Math.abs(c - expected) / expected)
        .isLessThan(0.01));
  }

  @Test
  void exclusionsAreHonouredByBothStrategies() {
    List<Server> three = servers(3);
    for (io.lbkit.Strategy s : List.of(Strategies.roundRobin(), Strategies.random())) {
      Selector sel = selector(ServerPool.of(three), s);
      Request req = Request.NONE.excluding(three.get(0)).excluding(three.get(2));
      for (int i = 0; i < 100; i++) {
        assertThat(sel.choose(req)).isEqualTo(three.get(1));
      }
      Request all = req.excluding(three.get(1));
      assertThatThrownBy(() -> sel.choose(all))
          .isInstanceOf(NoServerAvailableException.class)
          .extracting(e -> ((NoServerAvailableException) e).reason())
          .isEqualTo(NoServerAvailableException.Reason.ALL_EXCLUDED);
    }
  }

  @Test
  void emptyPoolFailsSayingThePoolIsEmpty() {
    Selector rr = selector(ServerPool.empty(), Strategies.roundRobin());
    assertThatThrownBy(rr::choose)
        .isInstanceOf(NoServerAvailableException.class)
        .hasMessage("no server available: the pool is empty")
        .extracting(e -> ((NoServerAvailableException) e).reason())
        .isEqualTo(NoServerAvailableException.Reason.EMPTY_POOL);
  }

  @Test
  void drainedServersTakeNoNewCallsAndAllDrainedSaysSo() {
    List<Server> two = servers(2);
    ServerPool pool = ServerPool.of(two);
    Selector rr = selector(pool, Strategies.roundRobin());
    pool.drain(two.get(0));
    for (int i = 0; i < 10; i++) {
      assertThat(rr.choose().id()).isEqualTo(two.get(1).id());
    }
    pool.drain(two.get(1));
    assertThatThrownBy(rr::choose)
        .isInstanceOf(NoServerAvailableException.class)
        .hasMessage("no server available: all servers are drained (weight 0)");
  }

  @Test
  void aServerAddedToAnEmptyPoolIsChosenAtOnce() {
    ServerPool pool = ServerPool.empty();
    Selector random = selector(pool, Strategies.random());
    Server s = Server.of("late", 1);
    pool.add(s);
    assertThat(random.choose()).isEqualTo(s);
  }

  @Test
  void closedSelectorRefusesToChoose() {
    ServerPool pool = ServerPool.of(servers(2));
    Selector rr = selector(pool, Strategies.roundRobin());
    rr.close();
    assertThatThrownBy(rr::choose)
        .isInstanceOf(NoServerAvailableException.class)
        .extracting(e -> ((NoServerAvailableException) e).reason())
        .isEqualTo(NoServerAvailableException.Reason.CLOSED);
  }

  @Test
  void builderRequiresAStrategy() {
    assertThatThrownBy(() -> Selector.builder(ServerPool.empty()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("strategy: null (expected: set before build())");
    assertThatThrownBy(() -> Selector.builder(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("pool: null (expected: non-null)");
  }

  @Test
  void aStrategyThatFailedIsTriedAgainOnTheNextRebuildOverTheSameCandidates() {
    List<Server> three = servers(3);
    ServerPool pool = ServerPool.of(three);
    boolean[] failing = {false};
    io.lbkit.Strategy flaky = (candidates, previous) -> {
      if (failing[0]) {
        throw new IllegalStateException("a build fails");
      }
      return Strategies.roundRobin().newPicker(candidates, previous);
    };
    /** A tracker whose change signal the test sends (as a health tick that changes nothing). */
    class Signalling extends io.lbkit.LoadTracker {
      Signalling() {
        super(io.lbkit.Ticker.system(), java.time.Duration.ofSeconds(10));
      }

      void signal() {
        fireChange();
      }
    }
    Signalling tracker = new Signalling();
    Selector selector = Selector.builder(pool).strategy(flaky).tracker(tracker)
        .random(RandomSource.seeded(42)).build();
    failing[0] = true;
    pool.remove(three.get(2));
    assertThatThrownBy(selector::choose).isInstanceOf(NoServerAvailableException.class)
        .extracting(e -> ((NoServerAvailableException) e).reason())
        .isEqualTo(NoServerAvailableException.Reason.STRATEGY_FAILED);
    failing[0] = false;
    tracker.signal(); // same candidates: this rebuild used to keep the failed picker
    assertThat(three.subList(0, 2)).contains(selector.choose());
  }
}
