package io.lbkit.discovery;

import io.lbkit.Server;
import java.util.List;

/**
 * What one change did to the pool: an accepted list (additions, updates, servers that started
 * draining, servers that came back), or the end of removal delays (removals). Immutable; every
 * list is in pool order and unmodifiable, and holds the servers as the source reported them
 * (a draining server with its weight before the drain).
 */
public final class MembershipChange {
  private final long version;
  private final List<Server> added;
  private final List<Server> updated;
  private final List<Server> draining;
  private final List<Server> restored;
  private final List<Server> removed;

  MembershipChange(long version, Membership.Change c) {
    this.version = version;
    this.added = List.copyOf(c.added);
    this.updated = List.copyOf(c.updated);
    this.draining = List.copyOf(c.draining);
    this.restored = List.copyOf(c.restored);
    this.removed = List.copyOf(c.removed);
  }

  /** {@return the list version this change belongs to; removals keep the version of their list} */
  public long version() {
    return version;
  }

  /** {@return servers new to the pool, taking calls at once} */
  public List<Server> added() {
    return added;
  }

  /** {@return members whose fields changed (weight, priority, zone, metadata)} */
  public List<Server> updated() {
    return updated;
  }

  /** {@return servers that left the source's list: drained now, removed after the delay} */
  public List<Server> draining() {
    return draining;
  }

  /** {@return draining servers the source listed again within the delay, back at full weight} */
  public List<Server> restored() {
    return restored;
  }

  /** {@return servers taken out of the pool: their removal delay ended, or it is zero} */
  public List<Server> removed() {
    return removed;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("version ").append(version);
    append(sb, "added", added);
    append(sb, "updated", updated);
    append(sb, "draining", draining);
    append(sb, "restored", restored);
    append(sb, "removed", removed);
    return sb.toString();
  }

  /** At most this many ids per list in a log line; a change of 1000 servers stays one line. */
  static final int IDS_SHOWN = 10;

  private static void append(StringBuilder sb, String what, List<Server> servers) {
    if (servers.isEmpty()) {
      return;
    }
    sb.append(", ").append(what).append(' ').append(servers.size()).append(" [");
    for (int i = 0; i < servers.size() && i < IDS_SHOWN; i++) {
      sb.append(i == 0 ? "" : ", ").append(servers.get(i).id());
    }
    if (servers.size() > IDS_SHOWN) {
      sb.append(", ... ").append(servers.size() - IDS_SHOWN).append(" more");
    }
    sb.append(']');
  }
}
