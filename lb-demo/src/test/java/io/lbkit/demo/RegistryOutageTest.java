package io.lbkit.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.Server;
import io.lbkit.discovery.DiscoveryListener;
import io.lbkit.discovery.DiscoveryStatus;
import io.lbkit.discovery.MembershipChange;
import io.lbkit.failover.Failover;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.strategy.Strategies;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The registry goes down under traffic: inventory servers registered in a real (embedded)
 * ZooKeeper, an order workload running through the balancer, ZooKeeper stopped and started
 * again. The pool must not change while it is down, no order may fail, and the registry must
 * work again afterwards: a server registered then reaches the pool.
 */
class RegistryOutageTest {

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void ordersGoOnWhileZooKeeperIsDownAndDiscoveryResumesWhenItIsBack() throws Exception {
    Events events = new Events();
    try (Rig rig = Rig.start(3, 2_000, 11, Duration.ofSeconds(1), events, (pool, http) ->
        LoadBalancer.builder(pool)
            .strategy(Strategies.roundRobin())
            .health(Rig.demoHealth(http).build())
            .failover(Failover.retry(3))
            .classifier(InventoryClassifier.INSTANCE)
            .build())) {
      List<Server> before = rig.pool.servers();
      assertThat(before).hasSize(3);
      OrderWorkload orders = new OrderWorkload(rig.client, 2,
          System.nanoTime() + TimeUnit.SECONDS.toNanos(50), 1_000_000);
      CompletableFuture<Boolean> workload = CompletableFuture.supplyAsync(() -> {
        try {
          return orders.run();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      });
      int changesBefore = events.changes();

      rig.registry.stopZooKeeper();
      events.await("the outage reported", () -> events.failures() > 0);
      long placedWhenDown = orders.placed.get();
      rig.registry.startZooKeeper();
      events.await("the registry answering again", () -> events.recoveries() > 0);
      long placedWhenBack = orders.placed.get();
      assertThat(rig.pool.servers()).as("the pool while ZooKeeper was down").isEqualTo(before);
      assertThat(events.changes()).as("changes during the outage").isEqualTo(changesBefore);

      InventoryServer joined = rig.cluster.addServer(2_000, 12);
      rig.registry.register(joined);
      events.await("the new server in the pool", () -> rig.pool.servers().size() == 4);

      orders.stop();
      assertThat(workload.get(30, TimeUnit.SECONDS)).as("every client thread ended").isTrue();
      System.out.printf("registry outage: %d orders placed while ZooKeeper was down, %d in all,"
              + " %d failed%n", placedWhenBack - placedWhenDown, orders.placed.get(),
          orders.failed.get());
      assertThat(placedWhenBack).as("orders placed during the outage")
          .isGreaterThan(placedWhenDown);
      assertThat(orders.failed.get()).as("failed orders: %s", orders.failureReasons()).isZero();
      assertThat(rig.cluster.duplicateWrites()).isZero();
    }
  }

  /** Discovery's events, counted, with a bounded wait woken by each event (no sleeping). */
  static final class Events implements DiscoveryListener {
    private int changes;
    private int failures;
    private int recoveries;

    @Override
    public synchronized void onChange(MembershipChange change) {
      changes++;
      notifyAll();
    }

    @Override
    public synchronized void onSourceFailure(Throwable error, DiscoveryStatus status) {
      failures++;
      notifyAll();
    }

    @Override
    public synchronized void onSourceRecovered(DiscoveryStatus status) {
      recoveries++;
      notifyAll();
    }

    synchronized int changes() {
      return changes;
    }

    synchronized int failures() {
      return failures;
    }

    synchronized int recoveries() {
      return recoveries;
    }

    synchronized void await(String what, BooleanSupplier condition) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!condition.getAsBoolean()) {
        long left = deadline - System.nanoTime();
        assertThat(left).as("timed out waiting for %s", what).isPositive();
        wait(Math.max(1, left / 1_000_000));
      }
    }
  }
}
