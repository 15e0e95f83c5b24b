package io.lbkit.discovery;

import io.lbkit.internal.Checks;

/**
 * A polling source's one {@link PollLoop}: created by the source's {@code start}, which may come
 * once; {@code refresh} and {@code close} before the start are harmless, and a start after close
 * does nothing.
 */
final class PollHandle {
  private PollLoop loop; // guarded by this
  private boolean closed; // guarded by this

  void start(Object source, PollLoop.Lookup lookup, Polling polling,
      ServerSource.Listener listener, ServerSource.Context context) {
    Checks.notNull(listener, "listener");
    Checks.notNull(context, "context");
    PollLoop started;
    synchronized (this) {
      Checks.state(loop == null, "source", source, "started once");
      if (closed) {
        return;
      }
      started = new PollLoop(source.toString(), lookup, polling, listener, context);
      loop = started;
    }
    started.start();
  }

  void refresh() {
    PollLoop l;
    synchronized (this) {
      l = loop;
    }
    if (l != null) {
      l.refresh();
    }
  }

  void close() {
    PollLoop l;
    synchronized (this) {
      closed = true;
      l = loop;
    }
    if (l != null) {
      l.close();
    }
  }

  synchronized PollLoop loop() {
    return loop;
  }
}
