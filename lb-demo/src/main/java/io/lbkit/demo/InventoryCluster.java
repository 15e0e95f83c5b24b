package io.lbkit.demo;

import io.lbkit.Server;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A set of {@link InventoryServer}s on loopback, and the writes they received per order id. */
public final class InventoryCluster implements AutoCloseable {
  private final List<InventoryServer> servers = new ArrayList<>();
  private final Map<String, AtomicInteger> writesByOrder = new ConcurrentHashMap<>();

  /** Starts {@code size} servers with base latencies spread over [base, 2 × base). */
  public static InventoryCluster start(int size, long baseLatencyMicros, long seed)
      throws IOException {
    InventoryCluster c = new InventoryCluster();
    try {
      for (int i = 0; i < size; i++) {
        long latency = baseLatencyMicros + baseLatencyMicros * i / Math.max(1, size);
        InventoryServer s = new InventoryServer("inv-" + (i + 1), latency, seed + i, c.writesByOrder);
        c.servers.add(s);
        s.start();
      }
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
    return c;
  }

  public List<InventoryServer> servers() {
    return Collections.unmodifiableList(servers);
  }

  public InventoryServer get(int index) {
    return servers.get(index);
  }

  /** lbkit servers for the pool: id = the inventory server's name, 127.0.0.1:port. */
  public List<Server> lbServers() {
    List<Server> list = new ArrayList<>();
    for (InventoryServer s : servers) {
      list.add(Server.builder("127.0.0.1", s.port()).id(s.name()).build());
    }
    return list;
  }

  /** Writes received per order id, across all servers. */
  public Map<String, AtomicInteger> writesByOrder() {
    return writesByOrder;
  }

  /** Orders that reached the servers more than once. */
  public long duplicateWrites() {
    return writesByOrder.values().stream().filter(n -> n.get() > 1).count();
  }

  public InventoryServer byName(String name) {
    for (InventoryServer s : servers) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("server: " + name + " (expected: one of the cluster)");
  }

  /** Adds and starts one more server. */
  public InventoryServer addServer(long baseLatencyMicros, long seed) throws IOException {
    InventoryServer s = new InventoryServer("inv-" + (servers.size() + 1), baseLatencyMicros, seed,
        writesByOrder);
    s.start();
    servers.add(s);
    return s;
  }

  @Override
  public void close() {
    for (InventoryServer s : servers) {
      s.close();
    }
  }
}
