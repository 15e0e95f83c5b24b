package io.lbkit.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.testing.ManualTicker;
import io.lbkit.NoServerAvailableException;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.strategy.Strategies;
import io.lbkit.testing.ManualScheduler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
  void primaryBackupMovesToBackupsWhenPrimariesFailAndBackWhenTheyRecover() throws Exception {
    try (LoadBalancer lb = lb(Failover.primaryBackup())) {
      assertThat(callsByPriority(lb, Request.NONE, 1_000)).isEqualTo(Map.of(0, 1_000));

      tracker.setDown(primaries.get(0), true); // 4 of 5: 4 × 1.4 = 5.6 >= 5, primaries stay
      assertThat(callsByPriority(lb, Request.NONE, 1_000)).isEqualTo(Map.of(0, 1_000));

      tracker.setDown(primaries.get(1), true); // 3 of 5: 4.2 < 5, spill to the backups
      assertThat(callsByPriority(lb, Request.NONE, 1_000)).isEqualTo(Map.of(1, 1_000));

      tracker.setDown(primaries.get(1), false); // recovered: back to the primaries
      assertThat(callsByPriority(lb, Request.NONE, 1_000)).isEqualTo(Map.of(0, 1_000));
    }
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
