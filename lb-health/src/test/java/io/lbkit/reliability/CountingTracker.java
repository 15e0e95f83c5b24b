package io.lbkit.reliability;

import io.lbkit.HealthTracker;
import io.lbkit.PoolSnapshot;
import io.lbkit.RandomSource;
import io.lbkit.Server;
import io.lbkit.ServerStats;
import io.lbkit.Ticker;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.ServerMetrics;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A tracker that counts what a balancer does with another one (a {@code HealthMonitor}) and
 * passes everything on: permissions granted, calls started, and each kind of end. With it a test
 * checks guarantee 6 from the outside: every permission granted ends exactly once.
 */
final class CountingTracker implements HealthTracker {
  final HealthTracker delegate;
  final AtomicLong permits = new AtomicLong();
  final AtomicLong refusals = new AtomicLong();
  final AtomicLong starts = new AtomicLong();
  final AtomicLong successes = new AtomicLong();
  final AtomicLong failures = new AtomicLong();
  final AtomicLong cancels = new AtomicLong();

  CountingTracker(HealthTracker delegate) {
    this.delegate = delegate;
  }

  long ends() {
    return successes.get() + failures.get() + cancels.get();
  }

  /** Permissions granted and not yet ended by a success, failure or cancel. */
  long openPermits() {
    return permits.get() - ends();
  }

  @Override
  public Permit tryAcquirePermission(Server server) {
    Permit p = delegate.tryAcquirePermission(server);
    (p != Permit.REFUSED ? permits : refusals).incrementAndGet();
    return p;
  }

  @Override
  public long onStart(Server server) {
    starts.incrementAndGet();
    return delegate.onStart(server);
  }

  @Override
  public void onSuccess(Server server, long startNanos, Permit permit) {
    successes.incrementAndGet();
    delegate.onSuccess(server, startNanos, permit);
  }

  @Override
  public void onFailure(Server server, long startNanos, Permit permit, Throwable error) {
    failures.incrementAndGet();
    delegate.onFailure(server, startNanos, permit, error);
  }

  @Override
  public void onCancel(Server server, long startNanos, Permit permit) {
    cancels.incrementAndGet();
    delegate.onCancel(server, startNanos, permit);
  }

  @Override
  public boolean isAvailable(Server server) {
    return delegate.isAvailable(server);
  }

  @Override
  public ServerStats stats(Server server) {
    return delegate.stats(server);
  }

  @Override
  public Ticker ticker() {
    return delegate.ticker();
  }

  @Override
  public ServerMetrics metrics(Server server) {
    return delegate.metrics(server);
  }

  @Override
  public Candidates candidates(PoolSnapshot pool, RandomSource random) {
    return delegate.candidates(pool, random);
  }

  @Override
  public void addChangeListener(Runnable listener) {
    delegate.addChangeListener(listener);
  }

  @Override
  public void removeChangeListener(Runnable listener) {
    delegate.removeChangeListener(listener);
  }
}
