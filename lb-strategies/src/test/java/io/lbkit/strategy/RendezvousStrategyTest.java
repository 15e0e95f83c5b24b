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

import io.lbkit.NoServerAvailableException;
import io.lbkit.Request;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.spi.Picker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RendezvousStrategyTest {
  private static final Request[] KEY_SET = keys(KEYS);

  @Test
  void removingOneOfTenServersMovesOnlyThatServersKeys() {
    ServerPool pool = ServerPool.of(servers(10));
    Selector selector = selector(Strategies.rendezvous(), pool);
    String[] before = owners(selector, KEY_SET);
    Server removed = pool.servers().get(3);

    pool.remove(removed);
    HashFixtures.Moves m = moves(before, owners(selector, KEY_SET), removed.id());

    assertThat(m.movedFromOthers()).isZero();
    assertThat(m.moved()).isEqualTo(m.ownedByRemoved()).isEqualTo(10_113);
  }

  @Test
  void weightedRemovalAlsoMovesOnlyThatServersKeys() {
    ServerPool pool = ServerPool.of(weighted(1, 2, 3, 4, 5));
    Selector selector = selector(Strategies.rendezvous(), pool);
    String[] before = owners(selector, KEY_SET);
    Server removed = pool.servers().get(2);
    pool.remove(removed);
    HashFixtures.Moves m = moves(before, owners(selector, KEY_SET), removed.id());
    assertThat(m.movedFromOthers()).isZero();
    assertThat(m.moved()).isEqualTo(m.ownedByRemoved());
    assertThat(m.moved() / (double) KEYS).isCloseTo(3 / 15.0, within(0.005));
  }

  @Test
  void spreadsTenEqualServersWithinThreePercent() {
    double spread = maxOverMean(
        owners(selector(Strategies.rendezvous(), ServerPool.of(servers(10))), KEY_SET), 10);
    assertThat(spread).isLessThanOrEqualTo(1.03).isCloseTo(1.0113, within(0.0001));
  }

  @Test
  void honoursWeightsWithinHalfAPoint() {
    ServerPool pool = ServerPool.of(weighted(1, 2, 3, 4));
    Map<String, Integer> t = tally(owners(selector(Strategies.rendezvous(), pool), KEY_SET));
    for (Server s : pool.servers()) {
      assertThat(t.get(s.id()) / (double) KEYS)
          .as(s.id()).isCloseTo(s.weight() / 10.0, within(0.006));
    }
  }

  @Test
  void excludedServersDoNotCompete() {
    ServerPool pool = ServerPool.of(servers(10));
    Picker picker = Strategies.rendezvous().newPicker(candidates(pool), null);
    Server tried = pool.servers().get(7);
    String[] retries = new String[10_000];
    for (int i = 0; i < retries.length; i++) {
      retries[i] = picker.pick(KEY_SET[i].excluding(tried)).id();
    }
    List<Server> rest = new ArrayList<>(pool.servers());
    rest.remove(tried);
    Picker without = Strategies.rendezvous().newPicker(candidates(ServerPool.of(rest)), null);
    for (int i = 0; i < retries.length; i++) {
      assertThat(without.pick(KEY_SET[i]).id()).isEqualTo(retries[i]);
    }
    Request.Builder all = Request.builder().key("k");
    pool.servers().forEach(all::exclude);
    assertThat(picker.pick(all.build())).isNull();
  }

  @Test
  void allWeightsZeroMeansAllDrained() {
    List<Server> drained = new ArrayList<>();
    for (Server s : servers(3)) {
      drained.add(s.toBuilder().weight(0).build());
    }
    Selector selector = selector(Strategies.rendezvous(), ServerPool.of(drained));
    assertThatThrownBy(() -> selector.choose(KEY_SET[0]))
        .isInstanceOf(NoServerAvailableException.class)
        .extracting(e -> ((NoServerAvailableException) e).reason())
        .isEqualTo(NoServerAvailableException.Reason.ALL_DRAINED);
  }

  @Test
  void hugeWeightsDoNotOverflow() {
    List<Server> big = new ArrayList<>();
    for (Server s : servers(1000)) {
      big.add(s.toBuilder().weight(s.id().endsWith(".1:8080") ? 1 : Integer.MAX_VALUE).build());
    }
    Picker p = Strategies.rendezvous().newPicker(candidates(ServerPool.of(big)), null);
    int light = 0;
    for (int i = 0; i < 10_000; i++) {
      light += p.pick(KEY_SET[i]).weight() == 1 ? 1 : 0;
    }
    assertThat(light).isZero(); // 4 servers of weight 1 against 996 of 2^31 - 1
  }
}
