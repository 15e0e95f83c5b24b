package io.lbkit.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.Request;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.spi.Candidates;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WeightedRoundRobinStrategyTest {

  /** nginx's loop, written plainly: the reference the grouped build must reproduce. */
  private static int[] nginx(long[] w) {
    long total = Arrays.stream(w).sum();
    long[] current = new long[w.length];
    int[] out = new int[(int) total];
    for (int t = 0; t < total; t++) {
      int best = -1;
      for (int i = 0; i < w.length; i++) {
        current[i] += w[i];
        if (best < 0 || current[i] > current[best]) {
          best = i;
        }
      }
      current[best] -= total;
      out[t] = best;
    }
    return out;
  }

  @Test
  void weightsFiveOneOneGiveNginxSmoothOrder() {
    // a a b a c a a
    assertThat(SmoothSchedule.smooth(new long[] {5, 1, 1})).containsExactly(0, 0, 1, 0, 2, 0, 0);
  }

  @Test
  void selectorWalksTheGoldenCycleFromItsStart() {
    List<Server> servers = Fixtures.weighted(5, 1, 1);
    Selector selector = Fixtures.selector(Strategies.weightedRoundRobin(),
        ServerPool.of(servers), 11);
    int[] golden = {0, 0, 1, 0, 2, 0, 0};
    int[] picks = new int[21];
    for (int k = 0; k < picks.length; k++) {
      picks[k] = servers.indexOf(selector.choose());
    }
    boolean matchesSomeRotation = false;
    for (int start = 0; start < 7; start++) {
      boolean all = true;
      for (int k = 0; k < picks.length; k++) {
        all &= picks[k] == golden[(start + k) % 7];
      }
      matchesSomeRotation |= all;
    }
    assertThat(matchesSomeRotation).as("picks %s", Arrays.toString(picks)).isTrue();
  }

  @Test
  void groupedBuildEqualsNginxLoopForRandomWeights() {
    Random random = new Random(7);
    for (int round = 0; round < 300; round++) {
      int n = 1 + random.nextInt(12);
      long[] w = new long[n];
      for (int i = 0; i < n; i++) {
        w[i] = 1 + random.nextInt(random.nextBoolean() ? 3 : 40); // many equal weights, or not
      }
      assertThat(SmoothSchedule.smooth(w)).as("weights %s", Arrays.toString(w))
          .containsExactly(nginx(w));
    }
  }

  @Test
  void millionPicksGiveEachServerItsWeightShareWithinOnePick() {
    int[] weights = {5, 1, 1, 3, 10};
    List<Server> servers = Fixtures.weighted(weights);
    Selector selector = Fixtures.selector(Strategies.weightedRoundRobin(),
        ServerPool.of(servers), 12);
    long[] counts = Fixtures.count(selector, servers, 1_000_000);
    for (int i = 0; i < weights.length; i++) {
      double expected = 1_000_000.0 * weights[i] / 20;
      assertThat(Math.abs(counts[i] - expected)).as("server %d", i).isLessThanOrEqualTo(1.0);
    }
  }

  @Test
  void twoThreadsStayWithinTenPicksOfTheirShare() throws Exception {
    int[] weights = {5, 1, 1};
    List<Server> servers = Fixtures.weighted(weights);
    Selector selector = Fixtures.selector(Strategies.weightedRoundRobin(),
        ServerPool.of(servers), 13);
    long[][] perThread = Fixtures.countOnTwoThreads(selector, servers, 100_000);
    for (int i = 0; i < 3; i++) {
      double expected = 200_000.0 * weights[i] / 7;
      double actual = perThread[0][i] + perThread[1][i];
      assertThat(Math.abs(actual - expected)).as("server %d", i).isLessThanOrEqualTo(10.0);
    }
  }

  @Test
  void equalHugeWeightsReduceToAPlainRotationWithoutOverflow() {
    int[] weights = new int[1000];
    Arrays.fill(weights, Integer.MAX_VALUE);
    List<Server> servers = Fixtures.weighted(weights);
    Selector selector = Fixtures.selector(Strategies.weightedRoundRobin(),
        ServerPool.of(servers), 14);
    assertThat(Fixtures.count(selector, servers, 3000)).containsOnly(3L);
  }

  @Test
  void mixedHugeWeightsScaleIntoABoundedTableWithTinyError() {
    int[] weights = new int[1000];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = Integer.MAX_VALUE - i * 1_000_003; // 1000 distinct huge weights
    }
    List<Server> servers = Fixtures.weighted(weights);
    Candidates c = Fixtures.ramped(servers, null, 15);
    long[] w = SmoothSchedule.integerWeights(c);
    long length = Arrays.stream(w).sum();
    // T = min(65 536, 1000 x 1024, 2^24 / 1000 = 16 777) = 16 777, plus rounding.
    assertThat(length).isBetween(16_777L - 500, 16_777L + 500);
    double total = Arrays.stream(weights).asDoubleStream().sum();
    for (int i = 0; i < weights.length; i++) {
      double share = (double) w[i] / length;
      assertThat(Math.abs(share - weights[i] / total)).isLessThan(1.0 / length);
    }
  }

  @Test
  void oneHugeAmongSmallWeightsKeepsEveryServerInTheCycle() {
    List<Server> servers = Fixtures.weighted(Integer.MAX_VALUE, 1, 1);
    Selector selector = Fixtures.selector(Strategies.weightedRoundRobin(),
        ServerPool.of(servers), 16);
    // 3 x 1024 slots: the small ones keep one slot each (the documented floor).
    long[] counts = Fixtures.count(selector, servers, 3072);
    assertThat(counts).containsExactly(3070L, 1L, 1L);
  }

  @Test
  void slowStartRampLowersTheShareThroughEffectiveWeight() {
    List<Server> servers = Fixtures.weighted(1, 1, 1, 1);
    Candidates c = Fixtures.ramped(servers, new double[] {0.25, 1.0, 1.0, 1.0}, 17);
    int[] schedule = SmoothSchedule.of(c);
    long[] counts = new long[4];
    for (int i : schedule) {
      counts[i]++;
    }
    // 4 x 1024 target slots over weights 0.25 : 1 : 1 : 1 -> 315 : 1260 : 1260 : 1260 (gcd 315)
    assertThat(counts).containsExactly(1L, 4L, 4L, 4L);
  }

  @Test
  void cycleContinuesAcrossRebuilds() {
    List<Server> servers = new java.util.ArrayList<>(Fixtures.weighted(2, 2, 2));
    ServerPool pool = ServerPool.of(servers);
    Selector selector = Fixtures.selector(Strategies.weightedRoundRobin(), pool, 19);
    selector.choose();
    int last = servers.indexOf(selector.choose());
    Server extra = Server.builder("10.0.9.9", 8080).weight(2).build();
    pool.add(extra); // new cycle 0,1,2,3; the cursor keeps its place
    servers.add(extra);
    assertThat(servers.indexOf(selector.choose())).isEqualTo((last + 1) % 3);
  }

  @Test
  void exclusionSkipsToTheNextScheduledAllowedServer() {
    List<Server> servers = Fixtures.weighted(5, 1, 1);
    Selector selector = Fixtures.selector(Strategies.weightedRoundRobin(),
        ServerPool.of(servers), 18);
    Request noA = Request.NONE.excluding(servers.get(0));
    long[] counts = new long[3];
    for (int k = 0; k < 7000; k++) {
      counts[servers.indexOf(selector.choose(noA))]++;
    }
    assertThat(counts[0]).isZero();
    assertThat(counts[1] + counts[2]).isEqualTo(7000);
    assertThat(counts[1]).isBetween(2000L, 5000L); // b and c both still used
  }
}
