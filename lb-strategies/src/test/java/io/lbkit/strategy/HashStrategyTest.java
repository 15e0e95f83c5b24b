package io.lbkit.strategy;

import static io.lbkit.strategy.HashFixtures.KEYS;
import static io.lbkit.strategy.HashFixtures.candidates;
import static io.lbkit.strategy.HashFixtures.keys;
import static io.lbkit.strategy.HashFixtures.maxOverMean;
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

class HashStrategyTest {
  private static final Request[] KEY_SET = keys(KEYS);

  @Test
  void sameKeyAlwaysReachesTheSameServer() {
    Selector selector = selector(Strategies.hash(), ServerPool.of(servers(10)));
    for (int i = 0; i < 1000; i++) {
      Server first = selector.choose(Request.withKey("user-" + i));
      for (int r = 0; r < 5; r++) {
        assertThat(selector.choose(Request.withKey("user-" + i))).isSameAs(first);
      }
    }
    assertThat(selector.choose(Request.withKey(42L)))
        .isSameAs(selector.choose(Request.withKey(42L)));
  }

  @Test
  void spreadsTenEqualServersEvenly() {
    double spread = maxOverMean(
        owners(selector(Strategies.hash(), ServerPool.of(servers(10))), KEY_SET), 10);
    assertThat(spread).isCloseTo(1.0119, within(0.0001));
  }

  @Test
  void honoursWeightsThroughTheAliasTable() {
    ServerPool pool = ServerPool.of(weighted(1, 2, 3, 4));
    Map<String, Integer> t = tally(owners(selector(Strategies.hash(), pool), KEY_SET));
    for (Server s : pool.servers()) {
      assertThat(t.get(s.id()) / (double) KEYS)
          .as(s.id()).isCloseTo(s.weight() / 10.0, within(0.005));
    }
  }

  @Test
  void keylessRequestsAreWeightedRandom() {
    ServerPool pool = ServerPool.of(weighted(1, 3));
    Selector selector = selector(Strategies.hash(), pool);
    int heavy = 0;
    for (int i = 0; i < 100_000; i++) {
      heavy += selector.choose().weight() == 3 ? 1 : 0;
    }
    assertThat(heavy / 100_000.0).isCloseTo(0.75, within(0.005));
  }

  @Test
  void excludedServerPassesToTheNextCandidate() {
    ServerPool pool = ServerPool.of(servers(4));
    Picker picker = Strategies.hash().newPicker(candidates(pool), null);
    for (int i = 0; i < 1000; i++) {
      Server first = picker.pick(KEY_SET[i]);
      Server retry = picker.pick(KEY_SET[i].excluding(first));
      int at = pool.servers().indexOf(first);
      assertThat(retry).isSameAs(pool.servers().get((at + 1) % 4));
    }
    Request.Builder all = Request.builder().key("k");
    pool.servers().forEach(all::exclude);
    assertThat(picker.pick(all.build())).isNull();
  }

  @Test
  void emptyKeyIsRejectedWithAClearMessage() {
    assertThatThrownBy(() -> Request.withKey(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key: \"\" (expected: a non-empty string)");
  }

  @Test
  void allWeightsZeroMeansAllDrained() {
    List<Server> drained = new ArrayList<>();
    for (Server s : servers(3)) {
      drained.add(s.toBuilder().weight(0).build());
    }
    Selector selector = selector(Strategies.hash(), ServerPool.of(drained));
    assertThatThrownBy(() -> selector.choose(KEY_SET[0]))
        .isInstanceOf(NoServerAvailableException.class)
        .hasMessageContaining("all servers are drained")
        .extracting(e -> ((NoServerAvailableException) e).reason())
        .isEqualTo(NoServerAvailableException.Reason.ALL_DRAINED);
  }

  @Test
  void hugeWeightsDoNotOverflow() {
    List<Server> big = new ArrayList<>();
    int i = 0;
    for (Server s : servers(1000)) {
      big.add(s.toBuilder().weight(i++ < 500 ? Integer.MAX_VALUE : Integer.MAX_VALUE / 2).build());
    }
    ServerPool pool = ServerPool.of(big);
    Selector selector = selector(Strategies.hash(), pool);
    int heavy = 0;
    for (Request k : KEY_SET) {
      heavy += selector.choose(k).weight() == Integer.MAX_VALUE ? 1 : 0;
    }
    assertThat(heavy / (double) KEYS).isCloseTo(2 / 3.0, within(0.005));
  }
}
