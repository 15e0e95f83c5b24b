package io.lbkit;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One immutable version of a {@link ServerPool}'s membership. Versions increase by one with every
 * change the pool publishes.
 */
public final class PoolSnapshot {
  static final PoolSnapshot EMPTY = new PoolSnapshot(0, new Server[0]);

  private final long version;
  private final Server[] servers;
  private final List<Server> list;
  private final Map<String, Server> byId;

  PoolSnapshot(long version, Server[] servers) {
    this.version = version;
    this.servers = servers;
    this.list = Collections.unmodifiableList(Arrays.asList(servers));
    Map<String, Server> m = new HashMap<>(Math.max(4, servers.length * 2));
    for (Server s : servers) {
      m.put(s.id(), s);
    }
    this.byId = m;
  }

  public long version() {
    return version;
  }

  /** The servers in the order they were given; unmodifiable. */
  public List<Server> servers() {
    return list;
  }

  public int size() {
    return servers.length;
  }

  public boolean isEmpty() {
    return servers.length == 0;
  }

  public Server get(int index) {
    return servers[index];
  }

  /** The member with this id, or null. */
  public Server byId(String id) {
    return byId.get(id);
  }

  /** True when a server with this id is a member. */
  public boolean contains(Server server) {
    return byId.containsKey(server.id());
  }

  @Override
  public String toString() {
    return "PoolSnapshot{version=" + version + ", servers=" + list + '}';
  }
}
