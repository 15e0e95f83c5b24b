package io.lbkit.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.lbkit.testing.ManualTicker;
import io.lbkit.NoServerAvailableException;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.Picker;
import io.lbkit.spi.ServerLoad;
import io.lbkit.spi.ServerMetrics;
import io.lbkit.strategy.Strategies;
import io.lbkit.testing.ManualScheduler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TiersTest {
  private final ManualTicker ticker = new ManualTicker();
  private final CountingTracker tracker = new CountingTracker(ticker);
  private final List<Server> primaries = new ArrayList<>();
  private final List<Server> backups = new ArrayList<>();
  private final ServerPool pool;

  TiersTest() {
    List<Server> all = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      primaries.add(Server.builder("10.0.0." + i, 80).priority(0).build());
    }
    for (int i = 1; i <= 2; i++) {
      backups.add(Server.builder("10.0.1." + i, 80).priority(1).build());
    }
    all.addAll(primaries);
    all.addAll(backups);
    pool = ServerPool.of(all);
  }

  private LoadBalancer lb(Failover failover) {
    return LoadBalancer.builder(pool).rebuildExecutor(Runnable::run)
        .strategy(Strategies.random()).tracker(tracker)
        .failover(failover).budget(RetryBudget.unlimited()).ticker(ticker)
        .random(RandomSource.seeded(5)).scheduler(new ManualScheduler(ticker))
        .executor(Runnable::run).build();
  }

  private Map<Integer, Integer> callsByPriority(LoadBalancer lb, Request request, int n)
      throws Exception {
    Map<Integer, Integer> byTier = new HashMap<>();
    for (int i = 0; i < n; i++) {
      Server s = lb.execute(request, server -> server);
      byTier.merge(s.priority(), 1, Integer::sum);
    }
    return byTier;
  }

  @Test
  void primaryBackupSpillsToTheBackupsInProportionAndComesBackWhenPrimariesRecover()
      throws Exception {
    try (LoadBalancer lb = lb(Failover.primaryBackup())) {
      assertThat(callsByPriority(lb, Request.NONE, 1_000)).isEqualTo(Map.of(0, 1_000));

      tracker.setDown(primaries.get(0), true); // 4 of 5: 4 × 1.4 = 5.6 >= 5, primaries keep all
      assertThat(callsByPriority(lb, Request.NONE, 1_000)).isEqualTo(Map.of(0, 1_000));

      tracker.setDown(primaries.get(1), true); // 3 of 5: 1.4 × 60% = 84% stays on the primaries
      Map<Integer, Integer> spilled = callsByPriority(lb, Request.NONE, 10_000);
      assertThat(spilled.get(0)).isBetween(8_250, 8_550); // 8 400 ± 4 sigma (sigma = 37)
      assertThat(spilled.get(1)).isEqualTo(10_000 - spilled.get(0));

      for (Server p : primaries) {
        tracker.setDown(p, true); // none left: all of it to the backups
      }
      assertThat(callsByPriority(lb, Request.NONE, 1_000)).isEqualTo(Map.of(1, 1_000));

      for (Server p : primaries) {
        tracker.setDown(p, false); // recovered: back to the primaries
      }
      assertThat(callsByPriority(lb, Request.NONE, 1_000)).isEqualTo(Map.of(0, 1_000));
    }
  }

  @Test
  void twoOfFourPrimariesKeepSeventyPercentAsEnvoysPriorityLoadDoes() throws Exception {
    List<Server> all = new ArrayList<>(primaries.subList(0, 4));
    all.addAll(backups);
    pool.update(all);
    tracker.setDown(primaries.get(0), true);
    tracker.setDown(primaries.get(1), true);
    try (LoadBalancer lb = lb(Failover.primaryBackup())) {
      Map<Integer, Integer> calls = callsByPriority(lb, Request.NONE, 10_000);
      System.out.printf("2 of 4 primaries up: %s calls by priority (Envoy: 70%% / 30%%)%n", calls);
      assertThat(calls.get(0)).isBetween(6_820, 7_180); // 7 000 ± 4 sigma (sigma = 46)
      assertThat(calls.get(0) + calls.get(1)).isEqualTo(10_000);
    }
  }

  @Test
  void priorityLoadFollowsEnvoysRule() {
    // {total, available} per priority, in priority order
    assertThat(TierStrategy.loads(tiers(new int[] {4, 2}, new int[] {2, 2})))
        .containsExactly(new double[] {0.7, 0.3}, within(1e-12));
    assertThat(TierStrategy.loads(tiers(new int[] {10, 7}, new int[] {2, 2})))
        .containsExactly(new double[] {0.98, 0.02}, within(1e-12));
    assertThat(TierStrategy.loads(tiers(new int[] {5, 4}, new int[] {2, 2})))
        .containsExactly(1.0, 0.0);
    // 45 of 63 is exactly enough (45 × 1.4 = 63): the whole of the traffic, no rounding loss
    assertThat(TierStrategy.loads(tiers(new int[] {63, 45}, new int[] {2, 2})))
        .containsExactly(1.0, 0.0);
    // three tiers: the second fills what the first leaves, the third gets nothing
    assertThat(TierStrategy.loads(tiers(new int[] {10, 5}, new int[] {10, 5}, new int[] {2, 2})))
        .containsExactly(new double[] {0.7, 0.3, 0.0}, within(1e-12));
    // healths adding up to less than 1 are normalised: 0.28 and 0.28 become one half each
    assertThat(TierStrategy.loads(tiers(new int[] {5, 1}, new int[] {5, 1})))
        .containsExactly(new double[] {0.5, 0.5}, within(1e-12));
    assertThat(TierStrategy.loads(tiers(new int[] {5, 1}))).containsExactly(1.0);
  }

  private static TreeMap<Integer, double[]> tiers(int[]... totalAndAvailable) {
    TreeMap<Integer, double[]> t = new TreeMap<>();
    for (int p = 0; p < totalAndAvailable.length; p++) {
      t.put(p, new double[] {totalAndAvailable[p][0], totalAndAvailable[p][1]});
    }
    return t;
  }

  @Test
  void rampingPrimariesCountByTheirRampFactor() {
    // 4 primaries, all candidates, 2 of them warming up at 25%: 2.5 of 4 servers, health
    // min(1, 1.4 x 2.5 / 4) = 0.875, so 12.5% goes to the backups until the primaries are warm
    Server[] servers = new Server[6];
    ServerLoad[] loads = new ServerLoad[6];
    for (int i = 0; i < 6; i++) {
      servers[i] = i < 4 ? primaries.get(i) : backups.get(i - 4);
      loads[i] = new ServerMetrics(servers[i].id(), 0L, 10_000_000_000L);
    }
    double[] ramp = {1.0, 0.25, 1.0, 0.25, 1.0, 1.0};
    Candidates cold = Candidates.of(ServerPool.of(servers).snapshot(), servers, loads, ramp,
        NoServerAvailableException.Reason.EMPTY_POOL, RandomSource.seeded(3), () -> 0L);
    assertThat(primaryShare(new TierStrategy(Strategies.random()), cold, 20_000))
        .isCloseTo(0.875, within(0.01)); // sigma 0.0023
    // a strategy that ignores the ramp is not told of its steps, so the tiers count servers whole
    assertThat(primaryShare(new TierStrategy(Strategies.maglev(251)), cold, 1_000)).isEqualTo(1.0);
  }

  private static double primaryShare(TierStrategy tiers, Candidates candidates, int picks) {
    Picker picker = tiers.newPicker(candidates, null);
    int primary = 0;
    for (int i = 0; i < picks; i++) {
      primary += picker.pick(Request.withKey("k" + i)).priority() == 0 ? 1 : 0;
    }
    return (double) primary / picks;
  }

  @Test
  void primaryBackupRetryLeavesATierWhoseServersAllFailed() throws Exception {
    pool.update(List.of(primaries.get(0), backups.get(0)));
    try (LoadBalancer lb = lb(Failover.primaryBackup())) {
      Server s = lb.execute(Request.IDEMPOTENT, server -> {
        if (server.priority() == 0) {
          throw new IOException("primary down");
        }
        return server;
      });
      assertThat(s).isEqualTo(backups.get(0));
    }
  }

  @Test
  void writesNeverReachAReplica() throws Exception {
    Request write = Request.builder().write(true).idempotent(false).build();
    try (LoadBalancer lb = lb(Failover.readWrite())) {
      assertThat(callsByPriority(lb, write, 1_000)).isEqualTo(Map.of(0, 1_000));
      assertThat(callsByPriority(lb, Request.NONE, 1_000)).isEqualTo(Map.of(1, 1_000));

      for (Server p : primaries) {
        tracker.setDown(p, true);
      }
      List<Server> called = new ArrayList<>();
      assertThatThrownBy(() -> lb.execute(write, s -> called.add(s)))
          .isInstanceOf(NoServerAvailableException.class)
          .hasMessageContaining("no primary (priority 0) server is available for a write");
      assertThat(called).isEmpty();
    }
  }

  @Test
  void readsFailOverFromReplicasToPrimariesButWritesAreNotRetried() throws Exception {
    List<Server> called = new ArrayList<>();
    try (LoadBalancer lb = lb(Failover.readWrite(3))) {
      Server s = lb.execute(Request.IDEMPOTENT, server -> {
        called.add(server);
        if (server.priority() > 0) {
          throw new IOException("replica down");
        }
        return server;
      });
      assertThat(called).hasSize(3);
      assertThat(called.subList(0, 2)).containsExactlyInAnyOrderElementsOf(backups);
      assertThat(s.priority()).isZero();

      called.clear();
      Request write = Request.builder().write(true).build();
      assertThatThrownBy(() -> lb.execute(write, server -> {
        called.add(server);
        throw new IOException("primary down");
      })).isInstanceOf(IOException.class);
      assertThat(called).hasSize(1);
    }
  }
}
