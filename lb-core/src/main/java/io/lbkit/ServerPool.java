package io.lbkit;

import io.lbkit.internal.Checks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dynamic membership of one upstream cluster.
 *
 * <p>Threading: every method is safe to call from any thread. Changes ({@link #update}, {@link
 * #add}, {@link #remove}, {@link #drain}) are serialised; each one validates its whole input first
 * and either publishes a new {@link PoolSnapshot} or, on bad input, throws and leaves the pool as
 * it was. Listeners run on the changing thread before the change method returns, so once {@code
 * update()} has returned, every selector built on this pool has already stopped choosing the
 * servers it removed. Reads ({@link #snapshot()}, {@link #servers()}) take no lock.
 */
public final class ServerPool {
  private static final Logger log = LoggerFactory.getLogger(ServerPool.class);

  private final Object writeLock = new Object();
  private final List<PoolListener> listeners = new CopyOnWriteArrayList<>();
  private volatile PoolSnapshot snapshot = PoolSnapshot.EMPTY;

  private ServerPool() {}

  /**
   * A pool whose first membership is {@code servers}, in that order.
   *
   * @param servers the members; ids must be unique
   * @return the new pool
   * @throws NullPointerException if {@code servers} or one of its elements is null
   * @throws IllegalArgumentException if two servers have the same id
   */
  public static ServerPool of(Server... servers) {
    Checks.notNull(servers, "servers");
    return of(Arrays.asList(servers));
  }

  /**
   * A pool whose first membership is {@code servers}, in iteration order.
   *
   * @param servers the members; ids must be unique
   * @return the new pool
   * @throws NullPointerException if {@code servers} or one of its elements is null
   * @throws IllegalArgumentException if two servers have the same id
   */
  public static ServerPool of(Collection<Server> servers) {
    ServerPool pool = new ServerPool();
    pool.update(servers);
    return pool;
  }

  /**
   * An empty pool, to be filled later; {@code choose()} on it throws {@link
   * NoServerAvailableException} ({@code EMPTY_POOL}).
   *
   * @return the new pool
   */
  public static ServerPool empty() {
    return new ServerPool();
  }

  /** {@return the current membership, unmodifiable} Lock-free: one volatile read. */
  public List<Server> servers() {
    return snapshot.servers();
  }

  /** {@return the current immutable version of the membership} Lock-free: one volatile read. */
  public PoolSnapshot snapshot() {
    return snapshot;
  }

  /**
   * Replaces the membership atomically. Rejects null elements and duplicate ids, in which case
   * nothing changes. Publishing the same servers again is a no-op.
   *
   * @param servers the new members, in order; ids must be unique
   * @throws NullPointerException if {@code servers} or one of its elements is null
   * @throws IllegalArgumentException if two servers have the same id
   */
  public void update(Collection<Server> servers) {
    Checks.notNull(servers, "servers");
    Server[] next = checkedArray(servers.toArray(new Server[0]));
    synchronized (writeLock) {
      publish(next);
    }
  }

  /**
   * Adds a server at the end of the membership.
   *
   * @param server the new member
   * @throws NullPointerException if {@code server} is null
   * @throws IllegalArgumentException if a member already has its id
   */
  public void add(Server server) {
    Checks.notNull(server, "server");
    synchronized (writeLock) {
      PoolSnapshot current = snapshot;
      Checks.argument(current.byId(server.id()) == null, "server.id", Checks.quote(server.id()),
          "not already in the pool");
      Server[] next = new Server[current.size() + 1];
      for (int i = 0; i < current.size(); i++) {
        next[i] = current.get(i);
      }
      next[current.size()] = server;
      publish(next);
    }
  }

  /**
   * Removes the member with this server's id, whatever its other fields.
   *
   * @param server the server to remove
   * @return true if a member was removed, false if none had that id
   * @throws NullPointerException if {@code server} is null
   */
  public boolean remove(Server server) {
    Checks.notNull(server, "server");
    synchronized (writeLock) {
      PoolSnapshot current = snapshot;
      if (current.byId(server.id()) == null) {
        return false;
      }
      List<Server> next = new ArrayList<>(current.size());
      for (Server s : current.servers()) {
        if (!s.id().equals(server.id())) {
          next.add(s);
        }
      }
      publish(next.toArray(new Server[0]));
      return true;
    }
  }

  /**
   * Drains the member with this server's id: it stays in the pool with weight 0, so it takes no
   * new calls while the calls in flight finish. Draining a drained member changes nothing.
   *
   * @param server the server to drain
   * @return true if a member has that id (drained now or already), false if none has
   * @throws NullPointerException if {@code server} is null
   */
  public boolean drain(Server server) {
    Checks.notNull(server, "server");
    synchronized (writeLock) {
      PoolSnapshot current = snapshot;
      Server member = current.byId(server.id());
      if (member == null) {
        return false;
      }
      if (member.isDrained()) {
        return true;
      }
      Server drained = member.toBuilder().weight(0).build();
      Server[] next = new Server[current.size()];
      for (int i = 0; i < next.length; i++) {
        Server s = current.get(i);
        next[i] = s == member ? drained : s;
      }
      publish(next);
      return true;
    }
  }

  /**
   * Registers a listener; it is told nothing about the current membership, only later changes.
   *
   * @param listener called on the changing thread for every change from now on
   * @throws NullPointerException if {@code listener} is null
   */
  public void addListener(PoolListener listener) {
    listeners.add(Checks.notNull(listener, "listener"));
  }

  /**
   * Stops telling {@code listener} about changes; an unknown listener is ignored.
   *
   * @param listener the listener to remove
   */
  public void removeListener(PoolListener listener) {
    listeners.remove(listener);
  }

  // Called with writeLock held.
  private void publish(Server[] next) {
    PoolSnapshot previous = snapshot;
    if (sameServers(previous, next)) {
      return;
    }
    PoolSnapshot current = new PoolSnapshot(previous.version() + 1, next);
    snapshot = current;
    log.debug("pool version {}: {} servers", current.version(), next.length);
    for (PoolListener listener : listeners) {
      try {
        listener.onPoolChange(previous, current);
      } catch (RuntimeException e) {
        log.warn("pool listener {} failed on version {}", listener, current.version(), e);
      }
    }
  }

  private static boolean sameServers(PoolSnapshot previous, Server[] next) {
    if (previous.size() != next.length) {
      return false;
    }
    for (int i = 0; i < next.length; i++) {
      if (!previous.get(i).equals(next[i])) {
        return false;
      }
    }
    return true;
  }

  private static Server[] checkedArray(Server[] servers) {
    Set<String> ids = new HashSet<>(servers.length * 2);
    for (int i = 0; i < servers.length; i++) {
      Server s = servers[i];
      // The messages are built only on a failure: an update of 1000 servers built 2000 strings.
      if (s == null) {
        Checks.notNull(s, "servers[" + i + "]");
      }
      if (!ids.add(s.id())) {
        Checks.argument(false, "servers[" + i + "].id", Checks.quote(s.id()),
            "unique within the pool");
      }
    }
    return servers.clone();
  }
}
