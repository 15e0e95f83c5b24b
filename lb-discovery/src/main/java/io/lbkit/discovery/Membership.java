package io.lbkit.discovery;

import io.lbkit.Server;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the pool should hold, given the lists a source reported and the removal delay: the one
 * owner of that state, used under {@link Discovery}'s lock. Pure bookkeeping, no clock of its
 * own (every method is given "now").
 *
 * <pre>
 * members  = the pool's contents, in pool order: the source's last list, plus the servers that
 *            left it less than the removal delay ago, drained (weight 0)
 * leaving  = id -> (the server as the source last had it, when it is due for removal), in
 *            deadline order (every deadline is now + the same delay, and a server that comes
 *            back and leaves again is re-inserted at the end)
 * </pre>
 *
 * A new list is compared with the last one by id and content, order ignored (DNS servers rotate
 * their answers), so an identical list changes nothing. Members keep their positions across
 * updates and newcomers are appended: an update moves no server that did not change.
 */
final class Membership {
  private final long removalDelayNanos;
  private LinkedHashMap<String, Server> members = new LinkedHashMap<>();
  private final LinkedHashMap<String, Leaving> leaving = new LinkedHashMap<>();
  private Map<String, Server> lastList; // null until the first list

  private static final class Leaving {
    final Server server;
    final long dueAt;

    Leaving(Server server, long dueAt) {
      this.server = server;
      this.dueAt = dueAt;
    }
  }

  /** A change to apply: the pool's new contents and what moved. */
  static final class Change {
    final List<Server> servers;
    final List<Server> added = new ArrayList<>();
    final List<Server> updated = new ArrayList<>();
    final List<Server> draining = new ArrayList<>();
    final List<Server> restored = new ArrayList<>();
    final List<Server> removed = new ArrayList<>();

    Change(List<Server> servers) {
      this.servers = servers;
    }
  }

  /**
   * Starts from what the pool already holds (a bootstrap list, say): those servers are members
   * until the first list says otherwise, and then leave with the removal delay like any other.
   */
  Membership(List<Server> initial, long removalDelayNanos) {
    this.removalDelayNanos = removalDelayNanos;
    for (Server s : initial) {
      members.put(s.id(), s);
    }
  }

  /**
   * Applies a source's list, already validated (no null, ids unique).
   *
   * @return the change, or null when the list is the last one again
   */
  Change apply(Map<String, Server> next, long now) {
    if (next.equals(lastList)) {
      return null;
    }
    lastList = next;
    LinkedHashMap<String, Server> after = new LinkedHashMap<>(Math.max(16, next.size() * 2));
    List<Server> removedNow = new ArrayList<>();
    List<Server> drainingNow = new ArrayList<>();
    List<Server> added = new ArrayList<>();
    List<Server> updated = new ArrayList<>();
    List<Server> restored = new ArrayList<>();
    for (Map.Entry<String, Server> e : members.entrySet()) {
      String id = e.getKey();
      Server current = e.getValue();
      Server wanted = next.get(id);
      if (wanted != null) {
        if (leaving.remove(id) != null) {
          restored.add(wanted);
        } else if (!wanted.equals(current)) {
          updated.add(wanted);
        }
        after.put(id, wanted);
      } else if (leaving.containsKey(id)) {
        after.put(id, current); // still draining, still due when it was
      } else if (removalDelayNanos == 0) {
        removedNow.add(current);
      } else {
        leaving.put(id, new Leaving(current, now + removalDelayNanos));
        drainingNow.add(current);
        after.put(id, current.isDrained() ? current : current.toBuilder().weight(0).build());
      }
    }
    for (Map.Entry<String, Server> e : next.entrySet()) {
      if (!after.containsKey(e.getKey())) {
        after.put(e.getKey(), e.getValue());
        added.add(e.getValue());
      }
    }
    members = after;
    Change change = new Change(List.copyOf(after.values()));
    change.added.addAll(added);
    change.updated.addAll(updated);
    change.restored.addAll(restored);
    change.draining.addAll(drainingNow);
    change.removed.addAll(removedNow);
    return change;
  }

  /**
   * Removes the leaving servers due at {@code now}.
   *
   * @return the change, or null when none was due
   */
  Change removeDue(long now) {
    List<Server> removed = new ArrayList<>();
    for (Iterator<Leaving> it = leaving.values().iterator(); it.hasNext(); ) {
      Leaving l = it.next();
      if (l.dueAt - now > 0) {
        break; // deadline order: the rest are later
      }
      it.remove();
      members.remove(l.server.id());
      removed.add(l.server);
    }
    if (removed.isEmpty()) {
      return null;
    }
    Change change = new Change(List.copyOf(members.values()));
    change.removed.addAll(removed);
    return change;
  }

  /** {@return whether a server is waiting out its removal delay} */
  boolean hasLeaving() {
    return !leaving.isEmpty();
  }

  /** {@return when the next leaving server is due; only when {@link #hasLeaving()}} */
  long nextRemovalAt() {
    return leaving.values().iterator().next().dueAt;
  }

  /** {@return how many servers are waiting out their removal delay} */
  int leavingCount() {
    return leaving.size();
  }

  /** {@return how many servers the pool holds, draining ones included} */
  int size() {
    return members.size();
  }

  /** {@return the pool's contents, in pool order} */
  List<Server> servers() {
    return List.copyOf(members.values());
  }
}
