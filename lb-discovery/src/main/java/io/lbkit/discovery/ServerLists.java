package io.lbkit.discovery;

import io.lbkit.Server;
import io.lbkit.internal.Checks;
import java.util.LinkedHashMap;
import java.util.List;

/** Checks a source's list before anything of it reaches the pool. */
final class ServerLists {
  private ServerLists() {}

  /**
   * The list by id, in order. The messages are built only on failure: a list of 1000 good
   * servers costs no string.
   *
   * @throws NullPointerException if the list or an element is null, naming which
   * @throws IllegalArgumentException if two servers have the same id, naming the second
   */
  static LinkedHashMap<String, Server> byId(List<Server> servers) {
    Checks.notNull(servers, "servers");
    LinkedHashMap<String, Server> byId = new LinkedHashMap<>(Math.max(16, servers.size() * 2));
    int i = 0;
    for (Server s : servers) {
      if (s == null) {
        throw new NullPointerException(Checks.describe("servers[" + i + "]", null, "non-null"));
      }
      if (byId.putIfAbsent(s.id(), s) != null) {
        throw new IllegalArgumentException(Checks.describe("servers[" + i + "].id",
            Checks.quote(s.id()), "unique within the list"));
      }
      i++;
    }
    return byId;
  }
}
