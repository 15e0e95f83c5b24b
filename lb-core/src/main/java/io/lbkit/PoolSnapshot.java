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

  /** {@return the version: 0 for the empty start, one more with every change} */
  public long version() {
    return version;
  }

  /** {@return the servers in the order they were given, unmodifiable} */
  public List<Server> servers() {
    return list;
  }

  /** {@return how many servers are members, drained ones included} */
  public int size() {
    return servers.length;
  }

  /** {@return true when the pool has no members} */
  public boolean isEmpty() {
    return servers.length == 0;
  }

  /**
   * The member at {@code index}, in the order given.
   *
   * @param index 0 to {@code size() - 1}
   * @return the member there
   * @throws IndexOutOfBoundsException if {@code index} is out of range
   */
  public Server get(int index) {
    return servers[index];
  }

  /**
   * The member with this id.
   *
   * @param id a {@link Server#id()}
   * @return the member, or null when none has that id
   */
  public Server byId(String id) {
    return byId.get(id);
  }

  /**
   * Whether a server with this server's id is a member, whatever its other fields.
   *
   * @param server the server asked about
   * @return true when its id is a member's
   * @throws NullPointerException if {@code server} is null
   */
  public boolean contains(Server server) {
    return byId.containsKey(server.id());
  }

  @Override
  public String toString() {
    return "PoolSnapshot{version=" + version + ", servers=" + list + '}';
  }
}
