package io.lbkit.demo;

import io.lbkit.Server;

/**
 * What the demo calls a server: its name (inv-1...) when its registration carries one, else its
 * id. Servers found through the registry have {@code host:port} ids, which are stable but say
 * little on screen.
 */
final class DemoNames {
  private DemoNames() {}

  static String of(Server server) {
    String name = server.metadata().get(InventoryRegistry.NAME);
    return name != null ? name : server.id();
  }
}
