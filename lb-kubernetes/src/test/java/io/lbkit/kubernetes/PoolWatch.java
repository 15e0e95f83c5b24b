package io.lbkit.kubernetes;

import io.lbkit.PoolListener;
import io.lbkit.PoolSnapshot;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * A pool's changes, timed as they are published, and a bounded wait for a condition they may
 * make true: each change wakes the waiters, who check again. No sleeping.
 */
final class PoolWatch implements PoolListener {
  static final Duration TIMEOUT = Duration.ofSeconds(20);

  private int changes;
  private long lastChangeNanos;

  @Override
  public synchronized void onPoolChange(PoolSnapshot previous, PoolSnapshot current) {
    changes++;
    lastChangeNanos = System.nanoTime();
    notifyAll();
  }

  synchronized int changes() {
    return changes;
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
