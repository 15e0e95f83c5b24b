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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class BroadcastTest {
  private final ManualTicker ticker = new ManualTicker();
  private final CountingTracker tracker = new CountingTracker(ticker);
  private final List<Server> servers = List.of(Server.of("10.0.0.1", 80),
      Server.of("10.0.0.2", 80), Server.of("10.0.0.3", 80), Server.of("10.0.0.4", 80));
  private final ServerPool pool = ServerPool.of(servers);

  private LoadBalancer lb() {
    return LoadBalancer.builder(pool).rebuildExecutor(Runnable::run)
        .strategy(Strategies.roundRobin()).tracker(tracker)
        .failover(Failover.broadcast()).ticker(ticker).random(RandomSource.seeded(1))
        .scheduler(new ManualScheduler(ticker)).executor(Runnable::run).build();
  }

  @Test
  void callsEveryAvailableServerOnce() throws Exception {
    tracker.setDown(servers.get(3), true);
    List<Server> called = new ArrayList<>();
    try (LoadBalancer lb = lb()) {
      String r = lb.execute(s -> {
        called.add(s);
        return s.id();
      });
      assertThat(called).containsExactlyInAnyOrderElementsOf(servers.subList(0, 3));
      assertThat(r).isEqualTo(called.get(2).id()); // the last server's answer
      assertThat(tracker.openPermits()).isZero();
    }
  }

  @Test
  void failsIfAnyServerFailsAfterCallingThemAll() {
    List<Server> called = new ArrayList<>();
    try (LoadBalancer lb = lb()) {
      assertThatThrownBy(() -> lb.execute(s -> {
        called.add(s);
        if (s.equals(servers.get(1))) {
          throw new IOException("invalidation failed on " + s.id());
        }
        return s.id();
      })).hasMessage("invalidation failed on 10.0.0.2:80");
      assertThat(called).hasSize(4);
      assertThat(tracker.openPermits()).isZero();
    }
  }

  @Test
  void asyncBroadcastCompletesWhenEveryServerHasAnswered() {
    List<CompletableFuture<String>> calls = new ArrayList<>();
    try (LoadBalancer lb = lb()) {
      CompletableFuture<String> r = lb.executeAsync(s -> {
        CompletableFuture<String> f = new CompletableFuture<>();
        calls.add(f);
        return f;
      });
      assertThat(calls).hasSize(4);
      for (int i = 0; i < 3; i++) {
        calls.get(i).complete("ok" + i);
      }
      assertThat(r).isNotDone();
      calls.get(3).completeExceptionally(new IOException("one failed"));
      assertThat(r).isCompletedExceptionally();
    }
  }

  @Test
  void goesThroughTheSelectorSoCloseDrainAndExclusionsApplyWithTheirReasons() {
    List<Server> called = new ArrayList<>();
    Call<String, RuntimeException> call = s -> {
      called.add(s);
      return s.id();
    };
    LoadBalancer lb = lb();
    Request excludingAll = Request.NONE;
    for (Server s : servers) {
      excludingAll = excludingAll.excluding(s);
    }
    Request none = excludingAll;
    assertThatThrownBy(() -> lb.execute(none, call))
        .isInstanceOfSatisfying(NoServerAvailableException.class,
            e -> assertThat(e.reason()).isEqualTo(NoServerAvailableException.Reason.ALL_EXCLUDED));
    for (Server s : servers) {
      pool.drain(s);
    }
    assertThatThrownBy(() -> lb.execute(call))
        .isInstanceOfSatisfying(NoServerAvailableException.class,
            e -> assertThat(e.reason()).isEqualTo(NoServerAvailableException.Reason.ALL_DRAINED));
    lb.close();
    assertThatThrownBy(() -> lb.execute(call))
        .isInstanceOfSatisfying(NoServerAvailableException.class,
            e -> assertThat(e.reason()).isEqualTo(NoServerAvailableException.Reason.CLOSED));
    assertThat(lb.executeAsync(s -> CompletableFuture.completedFuture(s.id())))
        .isCompletedExceptionally();
    assertThat(called).isEmpty();
    assertThat(tracker.openPermits()).isZero();
  }
}
