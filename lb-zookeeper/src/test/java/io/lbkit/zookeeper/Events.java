package io.lbkit.zookeeper;

import io.lbkit.discovery.DiscoveryListener;
import io.lbkit.discovery.DiscoveryStatus;
import io.lbkit.discovery.MembershipChange;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * A binder's events, counted, and a bounded wait for a condition that they may make true: every
 * event wakes the waiters, who check again. No sleeping: a wait ends on an event or its deadline.
 */
final class Events implements DiscoveryListener {
  static final Duration TIMEOUT = Duration.ofSeconds(20);

  private int changes;
  private final Set<String> listed = new HashSet<>();
  private int failures;
  private int recoveries;
  private long lastChangeNanos;

  @Override
  public synchronized void onChange(MembershipChange change) {
    changes++;
    change.added().forEach(s -> listed.add(s.id()));
    change.removed().forEach(s -> listed.remove(s.id()));
    lastChangeNanos = System.nanoTime();
    notifyAll();
  }

  @Override
  public synchronized void onSourceFailure(Throwable error, DiscoveryStatus status) {
    failures++;
    notifyAll();
  }

  @Override
  public synchronized void onSourceRecovered(DiscoveryStatus status) {
    recoveries++;
    notifyAll();
  }

  /**
   * {@return the ids in the pool as the change events told them} The pool changes just before its
   * listener hears of it, so a test that counts changes waits on this, not on the pool.
   */
  synchronized Set<String> listed() {
    return Set.copyOf(listed);
  }

  synchronized int changes() {
    return changes;
  }

  synchronized int failures() {
    return failures;
  }

  synchronized int recoveries() {
    return recoveries;
  }

  synchronized long lastChangeNanos() {
    return lastChangeNanos;
  }

  /** Waits until {@code condition} holds, re-checked on every event; fails after the timeout. */
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
