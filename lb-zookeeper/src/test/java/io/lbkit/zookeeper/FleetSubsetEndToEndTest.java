package io.lbkit.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.Fleet.Position;
import io.lbkit.RandomSource;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.discovery.Discovery;
import io.lbkit.strategy.Strategies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole chain against a real ZooKeeper: 8 servers register, 3 clients join a fleet, each
 * discovers the servers through a {@link ZooKeeperSource} and picks through {@code
 * subset(2, fleet, weightedRandom())}: together they load every server equally, each through 3
 * or 4 connections instead of 8; a fourth client joining spreads them again.
 */
class FleetSubsetEndToEndTest {
  /** Chi-square critical value at p = 0.001 for 7 degrees of freedom (8 servers). */
  private static final double CHI2_CRITICAL_DF7 = 24.322;
  private static final int SERVERS = 8;
  private static final int PICKS = 40_000;

  private ZooKeeperFixture zk;
  private final Events events = new Events();

  @BeforeEach
  void startZooKeeper() throws Exception {
    zk = new ZooKeeperFixture();
  }

  @AfterEach
  void stop() throws Exception {
    zk.close();
  }

  /** One client process: its fleet membership, its discovered pool and its selector. */
  private final class OrderService {
    final ZooKeeperFleet fleet;
    final ServerPool pool = ServerPool.empty();
    final Selector selector;

    OrderService(String id, long seed) throws Exception {
      CuratorFramework c = zk.client();
      fleet = ZooKeeperFleet.join(c, "order-service", id);
      zk.closeLater(fleet);
      zk.closeLater(Discovery.builder(ZooKeeperSource.of(c, "inventory"), pool)
          .name("inventory").removalDelay(Duration.ZERO).listener(events).start());
      selector = Selector.builder(pool)
          .strategy(Strategies.subset(2, fleet, Strategies.weightedRandom()))
          .random(RandomSource.seeded(seed))
          .build();
      zk.closeLater(selector);
      fleet.addChangeListener(() -> {
        synchronized (events) {
          events.notifyAll();
        }
      });
    }
  }

  /** Picks {@code PICKS} times on every client; the calls each server got, by id. */
  private static Map<String, long[]> picks(List<OrderService> clients) {
    Map<String, long[]> perServer = new HashMap<>();
    for (int c = 0; c < clients.size(); c++) {
      for (int k = 0; k < PICKS; k++) {
        String id = clients.get(c).selector.choose().id();
        perServer.computeIfAbsent(id, x -> new long[clients.size()])[c]++;
      }
    }
    return perServer;
  }

  @Test
  void aFleetOfThreeLoadsEightDiscoveredServersEquallyAndSpreadsAgainForAFourth()
      throws Exception {
    CuratorFramework servers = zk.client();
    for (int i = 0; i < SERVERS; i++) {
      zk.closeLater(ZooKeeperRegistration.builder(servers, "inventory", "10.0.0." + i, 8080)
          .register());
    }
    List<OrderService> clients = new ArrayList<>();
    for (int c = 0; c < 3; c++) {
      clients.add(new OrderService("order-" + c, 100 + c));
    }
    events.await("three clients of three, each with the eight servers", () -> {
      for (int c = 0; c < clients.size(); c++) {
        OrderService s = clients.get(c);
        if (!new Position(c, 3).equals(s.fleet.position()) || s.pool.servers().size() != SERVERS) {
          return false;
        }
      }
      return true;
    });

    Map<String, long[]> load = picks(clients);
    assertThat(load).hasSize(SERVERS);
    long[] total = new long[SERVERS];
    int s = 0;
    for (long[] perClient : load.values()) {
      for (long n : perClient) {
        total[s] += n;
      }
      s++;
    }
    // 3 x 40 000 calls over 8 servers: 15 000 each, within chance
    assertThat(chiSquare(total)).isLessThan(CHI2_CRITICAL_DF7);
    for (int c = 0; c < 3; c++) {
      int connections = 0;
      for (long[] perClient : load.values()) {
        connections += perClient[c] > 0 ? 1 : 0;
      }
      assertThat(connections).as("servers client %d talks to", c).isBetween(3, 4);
    }

    clients.add(new OrderService("order-3", 103));
    events.await("four clients of four", () -> {
      for (int c = 0; c < clients.size(); c++) {
        if (!new Position(c, 4).equals(clients.get(c).fleet.position())
            || clients.get(c).pool.servers().size() != SERVERS) {
          return false;
        }
      }
      return true;
    });
    Set<String> firstClient = new HashSet<>();
    Map<String, long[]> again = picks(clients);
    again.forEach((id, perClient) -> {
      if (perClient[0] > 0) {
        firstClient.add(id);
      }
    });
    // a quarter of the ring each: exactly two servers, no partial ones
    assertThat(firstClient).containsExactlyInAnyOrder("10.0.0.0:8080", "10.0.0.1:8080");
    long[] total4 = new long[SERVERS];
    s = 0;
    for (long[] perClient : again.values()) {
      for (long n : perClient) {
        total4[s] += n;
      }
      s++;
    }
    assertThat(chiSquare(total4)).isLessThan(CHI2_CRITICAL_DF7);
  }

  private static double chiSquare(long[] counts) {
    double total = 0;
    for (long c : counts) {
      total += c;
    }
    double expected = total / counts.length;
    double chi = 0;
    for (long c : counts) {
      chi += (c - expected) * (c - expected) / expected;
    }
    return chi;
  }
}
