package io.lbkit.discovery;

import io.lbkit.Server;
import java.util.Arrays;
import java.util.List;

/** A source the test drives by hand: it pushes what it is told to, when it is told to. */
final class ManualSource implements ServerSource {
  Listener listener;
  Context context;
  int starts;
  int refreshes;
  int closes;

  @Override
  public void start(Listener listener, Context context) {
    this.listener = listener;
    this.context = context;
    starts++;
  }

  @Override
  public void refresh() {
    refreshes++;
  }

  @Override
  public void close() {
    closes++;
  }

  void push(Server... servers) {
    listener.onServers(Arrays.asList(servers));
  }

  void push(List<Server> servers) {
    listener.onServers(servers);
  }

  void fail(Throwable error) {
    listener.onError(error);
  }

  @Override
  public String toString() {
    return "manual source";
  }
}
