package io.lbkit.kubernetes;

import io.lbkit.PoolListener;
import io.lbkit.PoolSnapshot;
import io.lbkit.Server;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A pool's changes, timed as they are published, and a bounded wait for a condition they may
 * make true: each change wakes the waiters, who check again. No sleeping.
 */
final class PoolWatch implements PoolListener {
  static final Duration TIMEOUT = Duration.ofSeconds(20);

  private int changes;
  private long lastChangeNanos;
  private List<Server> servers = List.of();

  @Override
  public synchronized void onPoolChange(PoolSnapshot previous, PoolSnapshot current) {
    changes++;
    lastChangeNanos = System.nanoTime();
    servers = current.servers();
    notifyAll();
  }

  synchronized int changes() {
    return changes;
  }

  /**
   * The membership as of the last change this listener was told of: listeners registered
   * before it (a selector's rebuild) have seen it too.
   */
  synchronized List<Server> servers() {
    return servers;
  }

  /** When the last change was published, on {@link System#nanoTime()}'s clock. */
  synchronized long lastChangeNanos() {
    return lastChangeNanos;
  }

  /** Waits until {@code condition} holds, re-checked on every change; fails after the timeout. */
  synchronized void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("timed out after " + TIMEOUT + " waiting for " + what);
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }
}
