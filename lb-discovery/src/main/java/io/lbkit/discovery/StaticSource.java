package io.lbkit.discovery;

import io.lbkit.Server;
import java.util.List;

/** {@link ServerSource#of}: one list, reported once at start. */
final class StaticSource implements ServerSource {
  private final List<Server> servers;

  StaticSource(List<Server> servers) {
    this.servers = servers;
  }

  @Override
  public void start(Listener listener, Context context) {
    listener.onServers(servers);
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return "static list of " + servers.size() + (servers.size() == 1 ? " server" : " servers");
  }
}
