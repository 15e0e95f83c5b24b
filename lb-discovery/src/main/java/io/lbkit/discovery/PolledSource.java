package io.lbkit.discovery;

import io.lbkit.internal.Checks;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * What the polling sources share: one {@link PollLoop} over the source's own {@link #poll},
 * created by {@code start}, which may come once; {@code refresh} and {@code close} before the
 * start are harmless, and a start after close does nothing.
 */
abstract sealed class PolledSource implements ServerSource
    permits DnsSource, FileSource, PollingSource {
  private final Polling polling;
  private PollLoop loop; // guarded by this
  private boolean closed; // guarded by this

  PolledSource(Polling polling) {
    this.polling = polling;
  }

  /** One lookup, started on (or delivered to) {@code executor}. */
  abstract CompletionStage<PollLoop.Answer> poll(Executor executor) throws Exception;

  /** {@return the schedule this source polls on} */
  public final Polling polling() {
    return polling;
  }

  /**
   * Looks the servers up at once, on the context's executor, then as the polling schedule says.
   *
   * @throws IllegalStateException if this source was started before
   */
  @Override
  public final void start(Listener listener, Context context) {
    Checks.notNull(listener, "listener");
    Checks.notNull(context, "context");
    PollLoop started;
    synchronized (this) {
      Checks.state(loop == null, "source", this, "started once");
      if (closed) {
        return;
      }
      started = new PollLoop(toString(), this::poll, polling, listener, context);
      loop = started;
    }
    started.start();
  }

  /** Looks the servers up now, unless a lookup is under way. */
  @Override
  public final void refresh() {
    PollLoop l;
    synchronized (this) {
      l = loop;
    }
    if (l != null) {
      l.refresh();
    }
  }

  /** Stops polling; a lookup under way may finish, and its answer is dropped. */
  @Override
  public final void close() {
    PollLoop l;
    synchronized (this) {
      closed = true;
      l = loop;
    }
    if (l != null) {
      l.close();
    }
  }

  /** {@return the loop, once started; for tests} */
  final synchronized PollLoop loop() {
    return loop;
  }
}
