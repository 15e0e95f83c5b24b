package io.lbkit.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.strategy.Strategies;
import io.lbkit.testing.ManualTicker;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Panic is found while the selector compiles candidates under its rebuild lock; the listener is
 * told only after that lock is released, so it may use the balancer from another thread (here:
 * explain, which takes the rebuild lock) without deadlocking.
 */
class ListenerLockTest {

  @Test
  void aPanicListenerRunsWithoutTheSelectorsRebuildLock() throws Exception {
    ManualTicker ticker = new ManualTicker();
    List<Server> servers = Fixtures.servers(4);
    ServerPool pool = ServerPool.of(servers);
    AtomicBoolean explained = new AtomicBoolean();
    CountDownLatch told = new CountDownLatch(1);
    LoadBalancer[] lb = new LoadBalancer[1];
    HealthListener listener = new HealthListener() {
      @Override
      public void onPanicEntered(int available, int total) {
        Thread other = new Thread(() -> {
          lb[0].explain(Request.NONE);
          explained.set(true);
        });
        other.start();
        try {
          // Bounded: under the rebuild lock this join would wait for a thread that waits for it.
          other.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        told.countDown();
      }
    };
    lb[0] = LoadBalancer.builder(pool).strategy(Strategies.roundRobin())
        .health(HealthConfig.builder().noCircuitBreaker().noSlowStart()
            .ejection(Fixtures.maxPercent(100)).build())
        .healthListener(listener).ticker(ticker).executor(Runnable::run)
        .rebuildExecutor(Runnable::run).build();
    try {
      for (Server s : servers.subList(0, 3)) {
        for (int i = 0; i < ConsecutiveFailures.DEFAULT_THRESHOLD; i++) {
          lb[0].tracker().onFailure(s, lb[0].tracker().onStart(s), new IOException("reset"));
        }
      }
      assertThat(told.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(explained).isTrue();
    } finally {
      lb[0].close();
    }
  }
}
