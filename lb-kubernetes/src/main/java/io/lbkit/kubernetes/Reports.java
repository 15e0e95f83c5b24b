package io.lbkit.kubernetes;

import io.lbkit.Server;
import io.lbkit.discovery.ServerSource.Listener;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a source's pushes and failures to its listener one at a time, in the order they were
 * asked for, on whichever thread asks first, and never under a lock another thread waits on.
 *
 * <p>A push is not a list but a request to read the current one: requests that pile up while
 * the listener is busy become one, which reads the list when its turn comes. So a burst of slice
 * events costs one merge and one listener call, and the list delivered is always the latest.
 */
final class Reports {
  private static final Logger log = LoggerFactory.getLogger(Reports.class);
  /** The queued push; errors are queued as themselves. */
  private static final Object PUSH = new Object();

  private final Listener listener;
  private final Supplier<List<Server>> current;
  private final ArrayDeque<Object> queue = new ArrayDeque<>(); // guarded by this
  private boolean pushQueued; // guarded by this
  private boolean draining; // guarded by this
  private boolean closed; // guarded by this

  /** {@code current} gives the list to push, or null when there is none yet (nothing sent). */
  Reports(Listener listener, Supplier<List<Server>> current) {
    this.listener = listener;
    this.current = current;
  }

  /** Asks for the current list to be pushed, unless a push is queued already. */
  void push() {
    synchronized (this) {
      if (closed || pushQueued) {
        return;
      }
      pushQueued = true;
      queue.add(PUSH);
    }
    drain();
  }

  /** Queues a failure for the listener. */
  void error(Throwable error) {
    synchronized (this) {
      if (closed) {
        return;
      }
      queue.add(error);
    }
    drain();
  }

  /** Drops what is queued; a call under way finishes. */
  synchronized void close() {
    closed = true;
    queue.clear();
  }

  private void drain() {
    synchronized (this) {
      if (draining) {
        return; // the thread draining runs it
      }
      draining = true;
    }
    try {
      while (true) {
        Object next;
        synchronized (this) {
          next = queue.poll();
          if (next == null || closed) {
            draining = false;
            return;
          }
          if (next == PUSH) {
            pushQueued = false; // a request from now on reads a list newer than this one
          }
        }
        deliver(next);
      }
    } catch (Error e) {
      synchronized (this) {
        draining = false;
      }
      throw e;
    }
  }

  private void deliver(Object next) {
    try {
      if (next == PUSH) {
        List<Server> servers = current.get();
        if (servers != null) {
          listener.onServers(servers);
        }
      } else {
        listener.onError((Throwable) next);
      }
    } catch (RuntimeException e) {
      // a merge bug or a listener that throws must not stop the informer's thread
      log.warn("reporting to {} failed", listener, e);
    }
  }
}
