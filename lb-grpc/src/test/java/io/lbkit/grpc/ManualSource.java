package io.lbkit.grpc;

import io.lbkit.Server;
import io.lbkit.discovery.ServerSource;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/** A source the test pushes lists and failures into; counts refresh hints. */
final class ManualSource implements ServerSource {
  private final List<Server> initial;
  private volatile Listener listener;
  final AtomicInteger refreshes = new AtomicInteger();
  final CountDownLatch refreshed = new CountDownLatch(1);

  /** Pushes {@code initial} when started (empty: nothing). */
  ManualSource(Server... initial) {
    this.initial = List.of(initial);
  }

  @Override
  public void start(Listener listener, Context context) {
    this.listener = listener;
    if (!initial.isEmpty()) {
      listener.onServers(initial);
    }
  }

  void push(Server... servers) {
    listener.onServers(List.of(servers));
  }

  void fail(Throwable error) {
    listener.onError(error);
  }

  boolean started() {
    return listener != null;
  }

  @Override
  public void refresh() {
    refreshes.incrementAndGet();
    refreshed.countDown();
  }

  @Override
  public void close() {}
}
