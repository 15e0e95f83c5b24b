package io.lbkit.discovery;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Runs callbacks (listeners, the ready future) one at a time and in the order they were queued,
 * on whichever thread drains first, and never while the queuing side holds its own lock: the
 * binder queues under its lock and drains after releasing it. A callback that queues more (a
 * listener whose call into the binder makes a change) finds the drain under way and leaves its
 * work to it, so order holds and nothing recurses.
 */
final class SerialEvents {
  private final ArrayDeque<Runnable> queue = new ArrayDeque<>(); // guarded by this
  private final Consumer<RuntimeException> onFailure;
  private boolean draining; // guarded by this

  /** {@code onFailure} hears what a callback threw; the callbacks after it still run. */
  SerialEvents(Consumer<RuntimeException> onFailure) {
    this.onFailure = onFailure;
  }

  synchronized void add(Runnable event) {
    queue.add(event);
  }

  /** Runs what is queued, unless another thread is doing so already. */
  void drain() {
    synchronized (this) {
      if (draining) {
        return;
      }
      draining = true;
    }
    while (true) {
      Runnable next;
      synchronized (this) {
        next = queue.poll();
        if (next == null) {
          draining = false;
          return;
        }
      }
      try {
        next.run();
      } catch (RuntimeException e) {
        onFailure.accept(e);
      } catch (Error e) {
        synchronized (this) {
          draining = false; // the next drain runs what is left
        }
        throw e;
      }
    }
  }
}
