package io.lbkit.failover;

import io.lbkit.LoadTracker;
import io.lbkit.testing.ManualTicker;
import io.lbkit.Server;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A load tracker for tests: servers can be marked down (unavailable, with a change notification
 * so selectors rebuild) or made to refuse breaker permission, and every permission taken and
 * every end call is counted, so a test can check that each permission ended exactly once.
 */
final class CountingTracker extends LoadTracker {
  final Set<String> down = ConcurrentHashMap.newKeySet();
  final Set<String> refusing = ConcurrentHashMap.newKeySet();
  final AtomicInteger permits = new AtomicInteger();
  final AtomicInteger successes = new AtomicInteger();
  final AtomicInteger failures = new AtomicInteger();
  final AtomicInteger cancels = new AtomicInteger();

  CountingTracker(ManualTicker ticker) {
    super(ticker, Duration.ofSeconds(10));
  }

  void setDown(Server s, boolean isDown) {
    if (isDown ? down.add(s.id()) : down.remove(s.id())) {
      fireChange();
    }
  }

  @Override
  public boolean isAvailable(Server server) {
    return super.isAvailable(server) && !down.contains(server.id());
  }

  @Override
  public Permit tryAcquirePermission(Server server) {
    if (refusing.contains(server.id())) {
      return Permit.REFUSED;
    }
    permits.incrementAndGet();
    return Permit.GRANTED;
  }

  @Override
  public void onSuccess(Server server, long startNanos, Permit permit) {
    successes.incrementAndGet();
    super.onSuccess(server, startNanos, permit);
  }

  @Override
  public void onFailure(Server server, long startNanos, Permit permit, Throwable error) {
    failures.incrementAndGet();
    super.onFailure(server, startNanos, permit, error);
  }

  @Override
  public void onCancel(Server server, long startNanos, Permit permit) {
    cancels.incrementAndGet();
    super.onCancel(server, startNanos, permit);
  }

  /** Permissions taken and not yet ended. */
  int openPermits() {
    return permits.get() - successes.get() - failures.get() - cancels.get();
  }
}
