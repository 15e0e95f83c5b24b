package io.lbkit.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.testing.ManualTicker;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.ServerState;
import io.lbkit.failover.Failover;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.health.HealthConfig;
import io.lbkit.health.HealthMonitor;
import io.lbkit.health.SlowStart;
import io.lbkit.strategy.Strategies;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How traffic spreads over real HTTP servers: a slow server, and a pool update under load. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BalancingEndToEndTest {
  private static final int THREADS = 4;

  @Test
  void peakEwmaSendsATenTimesSlowerServerFarLessThanItsFairShare() throws Exception {
    try (Rig rig = Rig.start(5, 10_000, 11, Duration.ofSeconds(2), (pool, http) ->
        LoadBalancer.builder(pool)
            .strategy(NamedStrategies.byName("peakEwma"))
            .health(HealthConfig.builder().noCircuitBreaker().noLatency()
                .ewmaDecay(Duration.ofSeconds(1)).build())
            .failover(Failover.retry(3))
            .build())) {
      InventoryServer slow = rig.cluster.byName("inv-3");
      try (Traffic reads = new Traffic(THREADS, (t, n) ->
          rig.client.get("/stock?sku=" + n).statusCode() == 200)) {
        reads.awaitMoreCalls(150, Duration.ofSeconds(20));
        slow.slowDown(10);
        reads.awaitMoreCalls(50, Duration.ofSeconds(20)); // the EWMA jumps on the first answer
        long[] before = received(rig);
        reads.awaitMoreCalls(600, Duration.ofSeconds(30));
        long[] after = received(rig);
        long total = 0;
        for (int i = 0; i < after.length; i++) {
          total += after[i] - before[i];
        }
        double share = (double) (after[2] - before[2]) / total;
        System.out.printf("slow: inv-3 (10x slower) got %.1f%% of %d requests (fair share 20%%)%n",
            100 * share, total);
        assertThat(share).isLessThan(0.08);
        assertThat(reads.failed.get()).isZero();
      }
    }
  }

  @Test
  void poolUpdateUnderLoadRampsTheNewServerAndStopsChoosingTheRemovedOne() throws Exception {
    // The balancer's clock is manual: the slow-start ramp stays at its 10% floor until the test
    // moves time on, whatever the machine's speed. The HTTP calls are real.
    ManualTicker ticker = new ManualTicker();
    Duration window = Duration.ofSeconds(10);
    try (Rig rig = Rig.start(5, 2_000, 13, Duration.ofSeconds(1), (pool, http) ->
        LoadBalancer.builder(pool)
            .strategy(Strategies.roundRobin())
            .health(HealthConfig.builder().slowStart(SlowStart.over(window)).build())
            .failover(Failover.retry(3))
            .ticker(ticker)
            .build())) {
      HealthMonitor monitor = (HealthMonitor) rig.lb.tracker();
      Server removed = rig.pool.snapshot().byId("inv-5");
      Choices choices = new Choices();
      try (Traffic reads = new Traffic(THREADS, (t, n) -> {
        boolean afterUpdate = choices.updated; // read before choosing
        HttpResponse<Void> r = rig.lb.execute(Request.IDEMPOTENT, server -> {
          choices.count(server, afterUpdate);
          return rig.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
              + server.port() + "/stock?sku=" + n)).timeout(Duration.ofSeconds(1)).build(),
              HttpResponse.BodyHandlers.discarding());
        });
        return r.statusCode() == 200;
      })) {
        reads.awaitMoreCalls(200, Duration.ofSeconds(20));
        InventoryServer added = rig.cluster.addServer(2_000, 99);
        Server addedServer = Server.builder("127.0.0.1", added.port()).id(added.name()).build();
        List<Server> next = new ArrayList<>(rig.pool.servers());
        next.remove(removed);
        next.add(addedServer);
        rig.pool.update(next);
        choices.updated = true;
        assertThat(monitor.stats(addedServer).state()).isEqualTo(ServerState.SLOW_START);

        reads.awaitMoreCalls(600, Duration.ofSeconds(30));
        double rampingShare = choices.shareOf(added.name());
        assertThat(monitor.stats(addedServer).state()).isEqualTo(ServerState.SLOW_START);

        ticker.advance(window);
        monitor.tick();
        assertThat(monitor.stats(addedServer).state()).isEqualTo(ServerState.HEALTHY);
        choices.reset();
        reads.awaitMoreCalls(600, Duration.ofSeconds(30));
        double fullShare = choices.shareOf(added.name());
        reads.close();

        System.out.printf("pool update: new server's share %.1f%% while ramping, %.1f%% after;"
            + " %d choices of the removed one after the update%n", 100 * rampingShare,
            100 * fullShare, choices.removedAfterUpdate.get());
        // Round robin with the ramp at its floor: 1/5 of the turns x a 10% draw = 2%.
        assertThat(rampingShare).isGreaterThan(0.0).isLessThan(0.06);
        assertThat(fullShare).isBetween(0.15, 0.25);
        assertThat(choices.removedAfterUpdate.get()).isZero();
        assertThat(reads.errors()).isEmpty();
        assertThat(reads.failed.get()).isZero();
      }
    }
  }

  /** Which servers calls started after the pool update were sent to. */
  private static final class Choices {
    volatile boolean updated;
    final AtomicLong removedAfterUpdate = new AtomicLong();
    private final java.util.concurrent.ConcurrentHashMap<String, AtomicLong> byServer =
        new java.util.concurrent.ConcurrentHashMap<>();

    void count(Server s, boolean afterUpdate) {
      if (!afterUpdate) {
        return;
      }
      if (s.id().equals("inv-5")) {
        removedAfterUpdate.incrementAndGet();
      }
      byServer.computeIfAbsent(s.id(), k -> new AtomicLong()).incrementAndGet();
    }

    double shareOf(String id) {
      long total = 0;
      for (AtomicLong n : byServer.values()) {
        total += n.get();
      }
      AtomicLong n = byServer.get(id);
      return total == 0 || n == null ? 0.0 : (double) n.get() / total;
    }

    void reset() {
      byServer.clear();
    }
  }

  private static long[] received(Rig rig) {
    long[] n = new long[rig.cluster.servers().size()];
    for (int i = 0; i < n.length; i++) {
      n[i] = rig.cluster.get(i).requests();
    }
    return n;
  }
}
