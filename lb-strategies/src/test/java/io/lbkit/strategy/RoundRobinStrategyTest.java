package io.lbkit.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundRobinStrategyTest {

  @Test
  void singleThreadGivesEachServerExactlyKOfNTimesKPicks() {
    List<Server> servers = Fixtures.servers(7);
    Selector selector = Fixtures.selector(Strategies.roundRobin(), ServerPool.of(servers), 1);
    long[] counts = Fixtures.count(selector, servers, 7 * 1000);
    assertThat(counts).containsOnly(1000L);
  }

  @Test
  void singleThreadVisitsServersInPoolOrder() {
    List<Server> servers = Fixtures.servers(5);
    Selector selector = Fixtures.selector(Strategies.roundRobin(), ServerPool.of(servers), 2);
    int first = servers.indexOf(selector.choose());
    for (int k = 1; k < 20; k++) {
      assertThat(selector.choose()).isEqualTo(servers.get((first + k) % 5));
    }
  }

  @Test
  void rotationContinuesAcrossRebuilds() {
    List<Server> servers = new ArrayList<>(Fixtures.servers(5));
    ServerPool pool = ServerPool.of(servers);
    Selector selector = Fixtures.selector(Strategies.roundRobin(), pool, 3);
    int last = servers.indexOf(selector.choose());
    last = servers.indexOf(selector.choose());
    Server extra = Server.of("10.0.9.9", 8080);
    pool.add(extra); // rebuild: the cursor is carried over, not reset
    servers.add(extra);
    Server next = selector.choose();
    assertThat(servers.indexOf(next)).isEqualTo((last + 1) % 5);
    // And from there an exact rotation over the six.
    int start = servers.indexOf(next);
    for (int k = 1; k <= 12; k++) {
      assertThat(selector.choose()).isEqualTo(servers.get((start + k) % 6));
    }
  }

  @Test
  void twoThreadsKeepGlobalSharesWithinOnePercent() throws Exception {
    List<Server> servers = Fixtures.servers(10);
    Selector selector = Fixtures.selector(Strategies.roundRobin(), ServerPool.of(servers), 4);
    long[][] perThread = Fixtures.countOnTwoThreads(selector, servers, 500_000);
    for (int i = 0; i < 10; i++) {
      long total = perThread[0][i] + perThread[1][i];
      // +-1% is the requirement; the stripes' maths gives at most one pick off per cursor used.
      assertThat(total).isBetween(99_000L, 101_000L);
      assertThat(Math.abs(total - 100_000)).isLessThanOrEqualTo(Stripes.STRIPES);
    }
  }

  @Test
  void twoThreadsStartingOnOneCursorStillKeepSharesWithinOnePercent() throws Exception {
    List<Server> servers = Fixtures.servers(10);
    Selector selector = Fixtures.selector(Strategies.roundRobin(), ServerPool.of(servers), 5);
    long[][] perThread = Fixtures.countOnTwoThreads(selector, servers, 500_000, true);
    for (int i = 0; i < 10; i++) {
      assertThat(perThread[0][i] + perThread[1][i]).isBetween(99_000L, 101_000L);
    }
  }

  @Test
  void sameSeedGivesTheSameSequenceWhicheverThreadPicks() throws Exception {
    for (io.lbkit.Strategy strategy :
        List.of(Strategies.roundRobin(), Strategies.weightedRoundRobin())) {
      List<Server> servers = Fixtures.weighted(3, 1, 2, 5, 1);
      int[][] seen = new int[2][40];
      Thread[] threads = new Thread[2];
      for (int t = 0; t < 2; t++) {
        int id = t;
        Runnable body = () -> {
          Selector selector = Fixtures.selector(strategy, ServerPool.of(servers), 6);
          for (int k = 0; k < 40; k++) {
            seen[id][k] = servers.indexOf(selector.choose());
          }
        };
        Thread thread = new Thread(body);
        while (t == 1 && Stripes.stripeOf(thread.getId()) == Stripes.stripeOf(threads[0].getId())) {
          thread = new Thread(body); // a thread on another cursor than the first
        }
        threads[t] = thread;
        thread.start();
        thread.join(60_000);
      }
      assertThat(seen[1]).as("%s", strategy).containsExactly(seen[0]);
    }
  }

  @Test
  void stripeCountIsAPowerOfTwoAboutTwiceTheCores() {
    assertThat(Stripes.stripeCount(1)).isEqualTo(2);
    assertThat(Stripes.stripeCount(2)).isEqualTo(4);
    assertThat(Stripes.stripeCount(3)).isEqualTo(8);
    assertThat(Stripes.stripeCount(64)).isEqualTo(64);
  }
}
