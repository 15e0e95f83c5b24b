package io.lbkit.strategy;

import static io.lbkit.strategy.HashFixtures.servers;
import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.LoadTracker;
import io.lbkit.Request;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.Strategy;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every hash-family pick allocates nothing, with and without exclusions, counted by the JVM's
 * per-thread allocation counter (bytes, not time).
 */
class HashFamilyAllocationTest {

  static Stream<Arguments> strategies() {
    return Stream.of(
        Arguments.of("hash", Strategies.hash()),
        Arguments.of("consistentHash", Strategies.consistentHash()),
        Arguments.of("consistentHashBounded", Strategies.consistentHash(
            ConsistentHashConfig.builder().boundedLoad(1.25).build())),
        Arguments.of("maglev", Strategies.maglev()),
        Arguments.of("rendezvous", Strategies.rendezvous()),
        Arguments.of("zoneAware", Strategies.zoneAware("eu-1", Strategies.maglev())),
        Arguments.of("subset", Strategies.subset(10, "3", Strategies.consistentHash())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("strategies")
  void picksAllocateNothing(String name, Strategy strategy) {
    List<Server> list = new ArrayList<>();
    int i = 0;
    for (Server s : servers(30)) {
      list.add(s.toBuilder().zone(i++ % 2 == 0 ? "eu-1" : "eu-2").build());
    }
    ServerPool pool = ServerPool.of(list);
    LoadTracker tracker = LoadTracker.create();
    Selector selector = HashFixtures.selector(strategy, pool);
    Selector loaded = Selector.builder(pool).strategy(strategy).tracker(tracker).build();
    for (int k = 0; k < 30; k += 3) {
      tracker.onStart(list.get(k)); // some load, so the bounded ring sums in-flight counts
    }
    Request[] requests = new Request[256];
    for (int k = 0; k < requests.length; k++) {
      Request r = Request.withKey("user-" + k);
      requests[k] = k % 4 == 0 ? r.excluding(selector.choose(r)) : r;
    }
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    Server last = null;
    // A per-pick allocation shows in every round (60 000 picks, >= 16 B each); a JIT
    // recompilation or deoptimization may allocate a few hundred bytes once, in any round. So
    // the quietest of the rounds after the first two must be exactly 0.
    long quietest = Long.MAX_VALUE;
    for (int round = 0; round < 6; round++) {
      long before = mx.getThreadAllocatedBytes(tid);
      for (int k = 0; k < 20_000; k++) {
        last = selector.choose(requests[k & 255]);
        last = loaded.choose(requests[(k + 7) & 255]);
        last = selector.choose();
      }
      long allocated = mx.getThreadAllocatedBytes(tid) - before;
      if (round >= 2) {
        quietest = Math.min(quietest, allocated);
      }
    }
    assertThat(quietest).as(name).isZero();
    assertThat(last).isNotNull();
  }
}
