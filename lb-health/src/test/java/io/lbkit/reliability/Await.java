package io.lbkit.reliability;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition that other threads make true (a cancelled copy's thread reporting its
 * end, an executor's thread terminating). The bound only keeps a broken build from hanging; no
 * test asserts how long anything took.
 */
final class Await {
  private Await() {}

  /** Yields until {@code condition} holds or {@code bound} has passed; returns the condition. */
  static boolean until(BooleanSupplier condition, Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        return condition.getAsBoolean();
      }
      Thread.yield();
    }
    return true;
  }
}
