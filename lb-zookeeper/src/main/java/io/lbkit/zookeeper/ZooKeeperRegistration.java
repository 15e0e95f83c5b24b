package io.lbkit.zookeeper;

import io.lbkit.internal.Checks;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.ServiceType;

/**
 * A server's entry in Curator's service discovery, for {@link ZooKeeperSource}s (and Spring Cloud
 * Zookeeper or Armeria clients) to find: an <em>ephemeral</em> node under {@code
 * <basePath>/<service>/<id>}, so a server that dies leaves the list when its session ends, even
 * if it never closes this. Made by {@link #builder}; removed by {@link #close()}.
 *
 * <p>Curator's {@code ServiceDiscovery} writes the node again whenever the client reconnects, so
 * after a session expiry (which deletes every ephemeral node of the session) the server is
 * listed again as soon as a new session starts, without a restart.
 *
 * <p>The payload holds {@code weight}, {@code zone}, {@code priority} and the metadata as string
 * fields under {@code payload.metadata}, the layout Spring Cloud Zookeeper writes and {@link
 * ZooKeeperSource} reads.
 */
public final class ZooKeeperRegistration implements AutoCloseable {
  private final ServiceDiscovery<Map<String, String>> discovery;
  private final ServiceInstance<Map<String, String>> instance;

  private ZooKeeperRegistration(
      ServiceDiscovery<Map<String, String>> discovery,
      ServiceInstance<Map<String, String>> instance) {
    this.discovery = discovery;
    this.instance = instance;
  }

  /**
   * Starts describing a server to register.
   *
   * @param client a Curator client; started by the caller, not closed by the registration
   * @param service the service name, one path segment
   * @param address the host or IP address clients connect to
   * @param port the port clients connect to, 1 to 65535
   * @return the builder
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code service} is blank or holds a {@code /}, {@code
   *     address} is blank, or {@code port} is out of range
   */
  public static Builder builder(CuratorFramework client, String service, String address, int port) {
    Checks.notNull(client, "client");
    ZooKeeperSource.checkService(service);
    Checks.notBlank(address, "address");
    Checks.argument(port >= 1 && port <= 65535, "port", port, "1 to 65535");
    return new Builder(client, service, address, port);
  }

  /** {@return the instance id, the name of the node under the service's path} */
  public String id() {
    return instance.getId();
  }

  /**
   * Removes the server from the list (its node is deleted) and stops re-registering it.
   * Idempotent; the client stays open.
   */
  @Override
  public void close() {
    try {
      discovery.close(); // unregisters every instance this discovery registered
    } catch (Exception e) {
      // the session's end removes the ephemeral node anyway
    }
  }

  @Override
  public String toString() {
    return "ZooKeeperRegistration[" + instance.getName() + "/" + instance.getId() + " "
        + instance.getAddress() + ":" + instance.getPort() + "]";
  }

  /** What to register; {@link #register()} writes it. */
  public static final class Builder {
    private final CuratorFramework client;
    private final String service;
    private final String address;
    private final int port;
    private String basePath = ZooKeeperSource.DEFAULT_BASE_PATH;
    private String id;
    private final Map<String, String> fields = new LinkedHashMap<>();

    private Builder(CuratorFramework client, String service, String address, int port) {
      this.client = client;
      this.service = service;
      this.address = address;
      this.port = port;
    }

    /**
     * Where services are registered; {@value ZooKeeperSource#DEFAULT_BASE_PATH} by default.
     *
     * @param basePath an absolute ZooKeeper path
     * @return this builder
     * @throws IllegalArgumentException if {@code basePath} does not start with {@code /}
     */
    public Builder basePath(String basePath) {
      ZooKeeperSource.checkBasePath(basePath);
      this.basePath = basePath;
      return this;
    }

    /**
     * The instance id, the node's name; a random UUID by default.
     *
     * @param id unique within the service, one path segment
     * @return this builder
     * @throws IllegalArgumentException if {@code id} is blank or holds a {@code /}
     */
    public Builder id(String id) {
      Checks.notBlank(id, "id");
      Checks.argument(id.indexOf('/') < 0, "id", id, "one path segment, no /");
      this.id = id;
      return this;
    }

    /**
     * The weight clients give the server ({@code Server.weight}); 1 when not set.
     *
     * @param weight at least 0 (0 drains)
     * @return this builder
     * @throws IllegalArgumentException if {@code weight} is negative
     */
    public Builder weight(int weight) {
      fields.put(InstanceCodec.WEIGHT, Integer.toString(Checks.nonNegative(weight, "weight")));
      return this;
    }

    /**
     * The server's zone ({@code Server.zone}).
     *
     * @param zone the zone, not blank
     * @return this builder
     * @throws IllegalArgumentException if {@code zone} is blank
     */
    public Builder zone(String zone) {
      fields.put(InstanceCodec.ZONE, Checks.notBlank(zone, "zone"));
      return this;
    }

    /**
     * The server's priority tier ({@code Server.priority}); 0 when not set.
     *
     * @param priority at least 0, 0 the first tier
     * @return this builder
     * @throws IllegalArgumentException if {@code priority} is negative
     */
    public Builder priority(int priority) {
      fields.put(
          InstanceCodec.PRIORITY, Integer.toString(Checks.nonNegative(priority, "priority")));
      return this;
    }

    /**
     * A free-form field ({@code Server.metadata}).
     *
     * @param key the key; not {@code weight}, {@code zone} or {@code priority}
     * @param value the value
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code key} is one of the reserved names
     */
    public Builder metadata(String key, String value) {
      Checks.notNull(key, "key");
      Checks.notNull(value, "value");
      Checks.argument(
          !key.equals(InstanceCodec.WEIGHT) && !key.equals(InstanceCodec.ZONE)
              && !key.equals(InstanceCodec.PRIORITY),
          "key", key, "not weight, zone or priority (they have their own methods)");
      fields.put(key, value);
      return this;
    }

    /**
     * Writes the server's ephemeral node, waiting for ZooKeeper (within the client's retry
     * policy).
     *
     * @return the registration; close it to unregister
     * @throws Exception if ZooKeeper could not be reached or refused the write
     */
    public ZooKeeperRegistration register() throws Exception {
      ServiceInstance<Map<String, String>> instance = new ServiceInstance<>(
          service, id != null ? id : UUID.randomUUID().toString(), address, port, null,
          Map.copyOf(fields), System.currentTimeMillis(), ServiceType.DYNAMIC, null);
      ServiceDiscovery<Map<String, String>> discovery =
          ServiceDiscoveryBuilder.builder(ZooKeeperSource.stringMap())
              .client(client)
              .basePath(basePath)
              .serializer(new InstanceCodec())
              .thisInstance(instance)
              .build();
      try {
        discovery.start(); // registers thisInstance
      } catch (Exception e) {
        try {
          discovery.close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
      return new ZooKeeperRegistration(discovery, instance);
    }
  }
}
