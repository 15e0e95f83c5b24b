package io.lbkit.demo;

import io.lbkit.ServerPool;
import io.lbkit.discovery.Discovery;
import io.lbkit.discovery.DiscoveryListener;
import io.lbkit.zookeeper.ZooKeeperRegistration;
import io.lbkit.zookeeper.ZooKeeperSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;

/**
 * The demo's service registry: an {@link EmbeddedZooKeeper} where each inventory server registers
 * itself through its own ZooKeeper session (as separate processes would), and where the order
 * service discovers them with a {@link ZooKeeperSource} feeding its pool.
 *
 * <p>Sessions last 30 s: a registry outage shorter than that (the demo's is a few seconds) ends
 * with every session, and so every registration, intact. A server that deregisters is drained at
 * once and leaves the pool {@link #REMOVAL_DELAY} later, so calls in flight on it finish.
 */
final class InventoryRegistry implements AutoCloseable {
  static final String SERVICE = "inventory";
  /** Shorter than lbkit's 30 s default so that a removal completes within a demo run. */
  static final Duration REMOVAL_DELAY = Duration.ofSeconds(3);
  /** The metadata key under which a server's registration carries its name (inv-1...). */
  static final String NAME = "name";

  private static final int SESSION_TIMEOUT_MS = 30_000;
  private static final int CONNECTION_TIMEOUT_MS = 5_000;

  private final EmbeddedZooKeeper zookeeper;
  private final Map<String, Registered> registered = new ConcurrentHashMap<>();
  private CuratorFramework discoveryClient;
  private Discovery discovery;

  /** A server's own ZooKeeper session and the registration it holds. */
  private record Registered(CuratorFramework client, ZooKeeperRegistration registration) {}

  private InventoryRegistry(EmbeddedZooKeeper zookeeper) {
    this.zookeeper = zookeeper;
  }

  static InventoryRegistry start() throws Exception {
    return new InventoryRegistry(EmbeddedZooKeeper.start());
  }

  String connectString() {
    return zookeeper.connectString();
  }

  /** Registers {@code server} under its name, through a ZooKeeper session of its own. */
  void register(InventoryServer server) throws Exception {
    CuratorFramework client = newClient();
    try {
      ZooKeeperRegistration r =
          ZooKeeperRegistration.builder(client, SERVICE, "127.0.0.1", server.port())
              .metadata(NAME, server.name())
              .register();
      registered.put(server.name(), new Registered(client, r));
    } catch (Exception e) {
      client.close();
      throw e;
    }
  }

  /** Removes {@code name}'s registration and ends its session: a graceful leave. */
  void deregister(String name) {
    Registered r = registered.remove(name);
    if (r == null) {
      throw new IllegalArgumentException("server: " + name + " (expected: a registered one)");
    }
    r.registration().close();
    r.client().close();
  }

  /**
   * Starts following the registry into {@code pool} and waits for the first list.
   *
   * @throws java.util.concurrent.TimeoutException if no list came within 10 s
   */
  Discovery discover(ServerPool pool, DiscoveryListener listener) throws Exception {
    discoveryClient = newClient();
    discovery = Discovery.builder(ZooKeeperSource.of(discoveryClient, SERVICE), pool)
        .name(SERVICE)
        .removalDelay(REMOVAL_DELAY)
        .listener(listener)
        .start();
    discovery.ready().get(10, TimeUnit.SECONDS);
    return discovery;
  }

  void stopZooKeeper() {
    zookeeper.down();
  }

  void startZooKeeper() throws Exception {
    zookeeper.up();
  }

  private CuratorFramework newClient() {
    CuratorFramework client = CuratorFrameworkFactory.builder()
        .connectString(zookeeper.connectString())
        .sessionTimeoutMs(SESSION_TIMEOUT_MS)
        .connectionTimeoutMs(CONNECTION_TIMEOUT_MS)
        .retryPolicy(new ExponentialBackoffRetry(100, 5))
        .build();
    client.start();
    return client;
  }

  /** Ends discovery, every registration and session, then ZooKeeper. */
  @Override
  public void close() {
    if (discovery != null) {
      discovery.close();
    }
    if (discoveryClient != null) {
      discoveryClient.close();
    }
    for (String name : new ArrayList<>(registered.keySet())) {
      deregister(name);
    }
    zookeeper.close();
  }
}
