package io.lbkit.internal;

import io.lbkit.HealthTracker;
import io.lbkit.NoServerAvailableException;
import io.lbkit.PoolListener;
import io.lbkit.PoolSnapshot;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.Selector;
import io.lbkit.Strategy;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.Picker;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The selector behind {@link Selector#builder}: a volatile picker, rebuilt on one serial write
 * path.
 *
 * <p>Two ways in to the write path. A pool change rebuilds synchronously (it waits for the rebuild
 * lock), so that when {@code pool.update()} returns, removed servers are gone from the picker. A
 * health change only marks the picker dirty; whichever thread holds or next wins the lock rebuilds,
 * so a burst of ejections costs one rebuild and no caller ever waits behind another's rebuild.
 */
public final class DefaultSelector implements Selector {
  private static final Logger log = LoggerFactory.getLogger(DefaultSelector.class);

  private final ServerPool pool;
  private final Strategy strategy;
  private final HealthTracker tracker;
  private final RandomSource random;
  private final ReentrantLock rebuildLock = new ReentrantLock();
  private final AtomicBoolean dirty = new AtomicBoolean();
  private final PoolListener poolListener = (previous, current) -> rebuildNow();
  private final Runnable healthListener = this::requestRebuild;

  private volatile Picker picker;
  private Candidates candidates; // guarded by rebuildLock
  private volatile boolean closed;

  public DefaultSelector(ServerPool pool, Strategy strategy, HealthTracker tracker,
      RandomSource random) {
    this.pool = pool;
    this.strategy = strategy;
    this.tracker = tracker;
    this.random = random;
    rebuildNow();
    pool.addListener(poolListener);
    tracker.addChangeListener(healthListener);
    rebuildNow(); // catch a change that raced the registration
  }

  @Override
  public Server choose(Request request) {
    Server s = picker.pick(request);
    if (s == null) {
      throw new NoServerAvailableException(NoServerAvailableException.Reason.ALL_EXCLUDED,
          "every available server is excluded by the request (" + request.exclusionCount()
              + " excluded)");
    }
    return s;
  }

  @Override
  public HealthTracker tracker() {
    return tracker;
  }

  public ServerPool pool() {
    return pool;
  }

  public Strategy strategy() {
    return strategy;
  }

  /** The picker in force (for tests and diagnostics). */
  public Picker picker() {
    return picker;
  }

  /** The candidates the picker in force was built from. */
  public Candidates candidates() {
    rebuildLock.lock();
    try {
      return candidates;
    } finally {
      rebuildLock.unlock();
    }
  }

  /** Rebuilds now, waiting for a rebuild in progress. */
  public void rebuildNow() {
    dirty.set(true);
    rebuildLock.lock();
    try {
      if (dirty.getAndSet(false)) {
        rebuild();
      }
    } finally {
      rebuildLock.unlock();
    }
    drainRequests();
  }

  /** Asks for a rebuild without waiting for one in progress. */
  public void requestRebuild() {
    dirty.set(true);
    drainRequests();
  }

  private void drainRequests() {
    while (dirty.get() && rebuildLock.tryLock()) {
      try {
        if (dirty.getAndSet(false)) {
          rebuild();
        }
      } finally {
        rebuildLock.unlock();
      }
    }
  }

  // Called with rebuildLock held.
  private void rebuild() {
    if (closed) {
      picker = new Unavailable(NoServerAvailableException.Reason.CLOSED);
      return;
    }
    PoolSnapshot snapshot = pool.snapshot();
    Candidates next = tracker.candidates(snapshot, random);
    if (next.equals(candidates)) {
      return;
    }
    Picker current = picker;
    Picker built;
    if (next.isEmpty()) {
      built = new Unavailable(next.reasonIfEmpty());
    } else {
      try {
        built = strategy.newPicker(next, current instanceof Unavailable ? null : current);
      } catch (RuntimeException e) {
        // A broken strategy must not leave removed servers choosable: fail closed instead.
        log.error("strategy {} failed to build a picker for pool version {}", strategy,
            snapshot.version(), e);
        built = new Unavailable(NoServerAvailableException.Reason.ALL_EJECTED);
      }
    }
    candidates = next;
    picker = built;
  }

  @Override
  public void close() {
    closed = true;
    pool.removeListener(poolListener);
    tracker.removeChangeListener(healthListener);
    rebuildNow();
  }

  @Override
  public String toString() {
    return "Selector{" + strategy + ", pool v" + pool.snapshot().version() + '}';
  }

  /** The picker over no candidates: every pick fails with the reason. */
  static final class Unavailable implements Picker {
    private final NoServerAvailableException.Reason reason;

    Unavailable(NoServerAvailableException.Reason reason) {
      this.reason = reason;
    }

    @Override
    public Server pick(Request request) {
      throw new NoServerAvailableException(reason);
    }
  }
}
