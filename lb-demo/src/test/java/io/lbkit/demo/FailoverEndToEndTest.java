package io.lbkit.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.Server;
import io.lbkit.ServerState;
import io.lbkit.failover.Failover;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.health.ActiveChecks;
import io.lbkit.health.ConsecutiveFailures;
import io.lbkit.health.EjectionLimits;
import io.lbkit.health.EjectionReason;
import io.lbkit.health.HealthConfig;
import io.lbkit.health.HealthListener;
import io.lbkit.health.HttpHealthCheck;
import io.lbkit.strategy.Strategies;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Failures of real HTTP servers on loopback, seen through {@link LoadBalancedHttpClient}: a killed
 * server, a server that answers 503 to everything, a server that records writes and then hangs.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FailoverEndToEndTest {
  private static final int THREADS = 4;
  private static final int CONSECUTIVE_FAILURES = 5;

  /** Records the failures the tracker had counted for a server when it was first ejected. */
  private static final class Ejections implements HealthListener {
    final String watched;
    final AtomicReference<LoadBalancer> lb = new AtomicReference<>();
    final CountDownLatch ejected = new CountDownLatch(1);
    final CountDownLatch restored = new CountDownLatch(1);
    final AtomicLong failuresAtEjection = new AtomicLong(-1);
    final AtomicReference<EjectionReason> reason = new AtomicReference<>();

    Ejections(String watched) {
      this.watched = watched;
    }

    @Override
    public void onEjected(Server server, EjectionReason why, Duration duration) {
      if (server.id().equals(watched) && reason.compareAndSet(null, why)) {
        failuresAtEjection.set(lb.get().tracker().stats(server).failures());
        ejected.countDown();
      }
    }

    @Override
    public void onRestored(Server server) {
      if (server.id().equals(watched) && ejected.getCount() == 0) {
        restored.countDown();
      }
    }
  }

  private static Rig rig(long latencyMicros, Duration timeout, HealthConfig.Builder health,
      Ejections events) throws Exception {
    Rig rig = Rig.start(5, latencyMicros, 7, timeout, (pool, http) -> LoadBalancer.builder(pool)
        .strategy(Strategies.roundRobin())
        .health(health.build())
        .healthListener(events)
        .failover(Failover.retry(3))
        .classifier(InventoryClassifier.INSTANCE)
        .build());
    events.lb.set(rig.lb);
    return rig;
  }

  /** Passive settings only: 5 failures in a row, 30 s ejections, no checks, no breakers. */
  private static HealthConfig.Builder passive() {
    return HealthConfig.builder()
        .consecutiveFailures(ConsecutiveFailures.of(CONSECUTIVE_FAILURES))
        .ejection(EjectionLimits.builder().baseTime(Duration.ofSeconds(30)).build())
        .noCircuitBreaker();
  }

  @Test
  void killedServerIsEjectedWithinItsThresholdAndRestoredByActiveChecksWithNoFailedRead()
      throws Exception {
    Ejections events = new Ejections("inv-3");
    // Passive ejection lasts 30 s, far longer than the test: only an active check can restore.
    try (Rig rig = Rig.start(5, 2_000, 7, Duration.ofSeconds(1), (pool, http) ->
        LoadBalancer.builder(pool)
            .strategy(Strategies.roundRobin())
            .health(passive()
                .activeChecks(ActiveChecks.builder(HttpHealthCheck.get(http, "http", "/health",
                        Duration.ofMillis(90), status -> status == 200))
                    .interval(Duration.ofMillis(100))
                    .timeout(Duration.ofMillis(90))
                    .jitter(Duration.ofMillis(10))
                    .rise(2)
                    .fall(2)
                    .build())
                .build())
            .healthListener(events)
            .failover(Failover.retry(3))
            .classifier(InventoryClassifier.INSTANCE)
            .build())) {
      events.lb.set(rig.lb);
      InventoryServer victim = rig.cluster.byName("inv-3");
      Server victimServer = rig.pool.snapshot().byId("inv-3");
      try (Traffic reads = new Traffic(THREADS, (t, n) ->
          rig.client.get("/stock?sku=" + n).statusCode() == 200)) {
        reads.awaitMoreCalls(200, Duration.ofSeconds(20));
        long failuresBeforeKill = rig.lb.tracker().stats(victimServer).failures();
        victim.stop();
        assertThat(events.ejected.await(20, TimeUnit.SECONDS)).isTrue();
        long failuresToEject = events.failuresAtEjection.get() - failuresBeforeKill;
        // The fifth failure in a row ejects at once; up to THREADS - 1 other calls may already
        // have been on their way to it and are counted by then. An active check may come first.
        assertThat(events.reason.get())
            .isIn(EjectionReason.CONSECUTIVE_FAILURES, EjectionReason.ACTIVE_CHECK);
        assertThat(failuresToEject).isBetween(1L, (long) CONSECUTIVE_FAILURES + THREADS - 1);
        reads.awaitMoreCalls(200, Duration.ofSeconds(20));
        assertThat(rig.lb.tracker().stats(victimServer).state()).isEqualTo(ServerState.EJECTED);

        victim.start();
        assertThat(events.restored.await(20, TimeUnit.SECONDS)).isTrue();
        long before = victim.requests();
        Traffic.poll(() -> victim.requests() > before, Duration.ofSeconds(20),
            "the restored server gets traffic again");
        reads.awaitMoreCalls(100, Duration.ofSeconds(20));
        System.out.printf("kill: %d reads, %d failed; inv-3 ejected by %s after %d failures%n",
            reads.calls(), reads.failed.get(), events.reason.get(), failuresToEject);
        assertThat(reads.errors()).isEmpty();
        assertThat(reads.failed.get()).isZero();
      }
    }
  }

  @Test
  void serverAnswering503ToEverythingIsEjectedAndNoReadOrWriteIsLost() throws Exception {
    Ejections events = new Ejections("inv-2");
    try (Rig rig = rig(2_000, Duration.ofSeconds(1), passive(), events)) {
      InventoryServer broken = rig.cluster.byName("inv-2");
      Server brokenServer = rig.pool.snapshot().byId("inv-2");
      broken.failRate(1.0);
      Map<String, Integer> answers = new ConcurrentHashMap<>();
      AtomicInteger orders = new AtomicInteger();
      try (Traffic traffic = new Traffic(THREADS, (t, n) -> {
        if (rig.client.get("/stock?sku=" + n).statusCode() != 200) {
          return false;
        }
        String order = "o-" + t + "-" + n;
        orders.incrementAndGet();
        int status = rig.client.post("/reserve", order).statusCode();
        answers.put(order, status);
        return status == 200;
      })) {
        assertThat(events.ejected.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(events.reason.get()).isEqualTo(EjectionReason.CONSECUTIVE_FAILURES);
        long receivedAtEjection = broken.requests();
        long othersAtEjection = othersRequests(rig, broken);
        traffic.awaitMoreCalls(300, Duration.ofSeconds(20));
        long lateArrivals = broken.requests() - receivedAtEjection;
        long othersAfter = othersRequests(rig, broken) - othersAtEjection;
        traffic.close();
        System.out.printf("503: %d orders, inv-2 got %d requests after its ejection vs %d for"
            + " the other four%n", orders.get(), lateArrivals, othersAfter);
        // Only calls already chosen before the ejection may still arrive.
        assertThat(lateArrivals).isLessThanOrEqualTo(THREADS);
        // 300 more orders are 600 more requests, less those of calls already counted by the
        // servers when the ejection was seen (at most two per client thread).
        assertThat(othersAfter).isGreaterThanOrEqualTo(600 - 2 * THREADS);
        assertThat(rig.lb.tracker().stats(brokenServer).state()).isEqualTo(ServerState.EJECTED);
        assertThat(traffic.errors()).isEmpty();
        assertThat(traffic.failed.get()).isZero();
        assertThat(answers).hasSize(orders.get()).allSatisfy((o, s) -> assertThat(s).isEqualTo(200));
        assertThat(rig.cluster.writesByOrder()).hasSize(orders.get())
            .allSatisfy((o, n) -> assertThat(n.get()).isEqualTo(1));
        assertThat(broken.writes()).isZero();
      }
    }
  }

  @Test
  void writesToAServerThatHangsAfterRecordingReachTheClusterExactlyOnce() throws Exception {
    Ejections events = new Ejections("inv-2");
    // 1 s timeouts: well above a loaded machine's slowest normal answer, well below the hang.
    try (Rig rig = rig(2_000, Duration.ofSeconds(1), passive(), events)) {
      InventoryServer hanging = rig.cluster.byName("inv-2");
      hanging.hangWrites(true, 4_000);
      int perThread = 50;
      AtomicInteger timeouts = new AtomicInteger();
      AtomicInteger answered = new AtomicInteger();
      AtomicInteger other = new AtomicInteger();
      Thread[] writers = new Thread[THREADS];
      for (int i = 0; i < THREADS; i++) {
        int t = i;
        writers[i] = new Thread(() -> {
          for (int n = 1; n <= perThread; n++) {
            try {
              int status = rig.client.post("/reserve", "w-" + t + "-" + n).statusCode();
              (status == 200 ? answered : other).incrementAndGet();
            } catch (HttpTimeoutException e) {
              timeouts.incrementAndGet(); // a write to the hanging server: recorded, no answer
            } catch (Exception e) {
              other.incrementAndGet();
            }
          }
        }, "test-writer-" + i);
        writers[i].start();
      }
      for (Thread w : writers) {
        w.join(30_000);
        assertThat(w.isAlive()).isFalse();
      }
      int orders = THREADS * perThread;
      System.out.printf("hang: %d writes, %d answered, %d timed out, inv-2 recorded %d%n",
          orders, answered.get(), timeouts.get(), hanging.writes());
      assertThat(other.get()).isZero();
      assertThat(answered.get() + timeouts.get()).isEqualTo(orders);
      // Every write the hanging server recorded timed out at the caller, and lbkit did not send
      // it again (a healthy server slower than 1 s would add a timeout, never a duplicate).
      assertThat(hanging.writes()).isPositive().isLessThanOrEqualTo(timeouts.get());
      assertThat(rig.cluster.writesByOrder()).hasSize(orders)
          .allSatisfy((o, n) -> assertThat(n.get()).isEqualTo(1));
      assertThat(rig.cluster.duplicateWrites()).isZero();
    }
  }

  private static long othersRequests(Rig rig, InventoryServer except) {
    long n = 0;
    for (InventoryServer s : rig.cluster.servers()) {
      if (s != except) {
        n += s.requests();
      }
    }
    return n;
  }
}
