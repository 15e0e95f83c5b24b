package io.lbkit.internal;

import io.lbkit.Attempt;
import io.lbkit.Explanation;
import io.lbkit.HealthTracker;
import io.lbkit.NoServerAvailableException;
import io.lbkit.PoolListener;
import io.lbkit.PoolSnapshot;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.Strategy;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.Picker;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The selector behind {@link Selector#builder}: a volatile picker, rebuilt on one serial write
 * path. Internal: users reach it through {@link Selector}.
 *
 * <p>Two ways in to the write path. A pool change rebuilds synchronously (it waits for the rebuild
 * lock), so that when {@code pool.update()} returns, removed servers are gone from the picker. A
 * health change only marks the picker dirty and hands the rebuild to the rebuild executor (when
 * one is set, so the thread that reported the outcome pays nothing) or to whichever thread holds
 * or next wins the lock; a burst of changes costs one rebuild and no pick ever waits. A change the
 * strategy reports ({@link Strategy#addChangeListener}: a fleet position moved) takes the health
 * path, and forces a new picker even when the candidates are unchanged.
 */
public final class DefaultSelector implements Selector {
  private static final Logger log = LoggerFactory.getLogger(DefaultSelector.class);
  private static final NoServerAvailableException CLOSED =
      NoServerAvailableException.shared(NoServerAvailableException.Reason.CLOSED);
  private static final NoServerAvailableException NO_PROBE_SLOT =
      NoServerAvailableException.shared(NoServerAvailableException.Reason.NO_PROBE_SLOT);

  /**
   * Makes the attempt {@link #tryBegin} returns, once the server and its permit are known.
   *
   * @param <A> the attempt type
   */
  @FunctionalInterface
  public interface AttemptFactory<A extends Attempt> {
    /**
     * Starts the attempt: its constructor calls the tracker's {@code onStart}.
     *
     * @param server the chosen server
     * @param permit the permit taken for it, never {@code REFUSED}
     * @return the started attempt
     */
    A start(Server server, HealthTracker.Permit permit);
  }

  private final ServerPool pool;
  private final Strategy strategy;
  private final HealthTracker tracker;
  private final RandomSource random;
  private final Executor rebuildExecutor; // null: rebuild on the notifying thread
  private final AttemptFactory<TrackedAttempt> plainAttempts;
  private final ReentrantLock rebuildLock = new ReentrantLock();
  private final AtomicBoolean dirty = new AtomicBoolean();
  private final AtomicBoolean rebuildQueued = new AtomicBoolean();
  private final AtomicLong poolUpdates = new AtomicLong();
  private final PoolListener poolListener = (previous, current) -> {
    poolUpdates.incrementAndGet();
    rebuildNow();
  };
  private final Runnable healthListener = this::requestRebuild;
  /** Counts the strategy's changes; a rebuild builds anew when it moved since the last build. */
  private final AtomicLong strategyChanges = new AtomicLong();
  private final Runnable strategyListener = () -> {
    strategyChanges.incrementAndGet();
    requestRebuild();
  };
  /** Passes the tracker's load reports on to the strategy, which decides whether to rebuild. */
  private final Runnable reportListener = this::loadReported;

  // Striped: in an outage every caller is refused, and one shared counter would be contended.
  private final LongAdder[] refusals = adders(NoServerAvailableException.Reason.values().length);
  private volatile Consumer<NoServerAvailableException.Reason> refusalListener = reason -> {};

  private volatile Picker picker;
  private Candidates candidates; // guarded by rebuildLock
  /**
   * The last picker the strategy built, guarded by rebuildLock: the {@code previous} of its next
   * build, even across a spell with no candidates, so the strategy's state (cursors, probe pools,
   * weights from load reports) carries over an outage instead of starting anew.
   */
  private Picker lastBuilt;
  private long publications; // guarded by rebuildLock
  private long strategyChangesBuilt; // guarded by rebuildLock: strategyChanges at the last build
  private volatile boolean closed;

  /**
   * Builds the first picker and starts following {@code pool} and {@code tracker}. Arguments are
   * not checked here: {@link Selector.Builder} and the balancer check them.
   *
   * @param pool the servers to choose from
   * @param strategy builds the pickers
   * @param tracker the tracker attempts report to and candidates come from
   * @param random handed to the pickers through the candidates
   * @param rebuildExecutor runs rebuilds after health changes, or null to rebuild on the notifying
   *     thread
   */
  public DefaultSelector(ServerPool pool, Strategy strategy, HealthTracker tracker,
      RandomSource random, Executor rebuildExecutor) {
    this.pool = pool;
    this.strategy = strategy;
    this.tracker = tracker;
    this.random = random;
    this.rebuildExecutor = rebuildExecutor;
    this.plainAttempts = (s, permit) -> new TrackedAttempt(tracker, s, permit);
    // before the first build: a change between the strategy's read and this registration would
    // be lost, one after it bumps the counter and forces a build however the candidates look
    strategy.addChangeListener(strategyListener);
    rebuildNow();
    pool.addListener(poolListener);
    tracker.addChangeListener(healthListener);
    tracker.addLoadReportListener(reportListener);
    rebuildNow(); // catch a change that raced the registration
  }

  private void loadReported() {
    if (!closed) {
      strategy.onLoadReport();
    }
  }

  @Override
  public Server choose(Request request) {
    Picker p = picker;
    Server s = p.pick(request);
    if (s == null) {
      throw refused(p.refusal(request));
    }
    return s;
  }

  @Override
  public Attempt begin(Request request) {
    Attempt a = tryBegin(request, null, plainAttempts);
    if (a == null) {
      throw refusalAfterPermits(request);
    }
    return a;
  }

  /**
   * Chooses for {@code request} and takes the chosen server's permission, choosing again without
   * a server that refuses (a half-open breaker with no probe slot left). Returns null when nothing
   * can be chosen, for whatever reason ({@link #refusalAfterPermits} says which), or when {@code
   * gate} (if not null) says no: it is asked once, after a server was found and before any
   * permission is taken, so that a budget is spent only when there is a server to spend it on.
   *
   * @param <A> the attempt type
   * @param request the call's key, exclusions and kind
   * @param gate asked once before the first permission, or null for none
   * @param attempts makes the attempt once a permission is granted
   * @return the started attempt, or null
   */
  public <A extends Attempt> A tryBegin(Request request, BooleanSupplier gate,
      AttemptFactory<A> attempts) {
    Request r = request;
    boolean gated = gate == null;
    while (true) {
      Server s = picker.pick(r);
      if (s == null) {
        return null;
      }
      if (!gated) {
        if (!gate.getAsBoolean()) {
          return null;
        }
        gated = true;
      }
      HealthTracker.Permit permit = tracker.tryAcquirePermission(s);
      if (permit != HealthTracker.Permit.REFUSED) {
        return attempts.start(s, permit);
      }
      r = r.excluding(s);
    }
  }

  /**
   * Why {@link #tryBegin} found nothing for {@code request}: the picker's reason (closed, empty
   * pool, all ejected, all excluded by the request), or, when the request alone leaves a server
   * to choose, that the servers left refused a permission.
   *
   * @param request the request {@link #tryBegin} found nothing for
   * @return the shared exception to throw
   */
  public NoServerAvailableException refusalAfterPermits(Request request) {
    Picker p = picker;
    Server s = p.pick(request);
    return refused(s == null ? p.refusal(request) : NO_PROBE_SLOT);
  }

  /** Counts a refusal the caller is about to get and tells the refusal listener; returns it. */
  private NoServerAvailableException refused(NoServerAvailableException e) {
    NoServerAvailableException.Reason reason = e.reason();
    refusals[reason.ordinal()].increment();
    try {
      refusalListener.accept(reason);
    } catch (RuntimeException | Error listenerError) { // must not turn a refusal into its error
      log.warn("refusal listener failed on {}", reason, listenerError);
    }
    return e;
  }

  /**
   * Sets the one listener told of every refusal counted by {@link #refusals}, on the refusing
   * thread; it must be quick and not throw.
   *
   * @param listener told the reason of each refusal
   */
  public void onRefusal(Consumer<NoServerAvailableException.Reason> listener) {
    refusalListener = Checks.notNull(listener, "listener");
  }

  /**
   * {@return how many picks or begins were refused for {@code reason}} Counted when the refusal
   * reaches the caller ({@link #choose}, {@link #begin}, {@link #refusalAfterPermits}).
   *
   * @param reason the reason asked about
   */
  public long refusals(NoServerAvailableException.Reason reason) {
    return refusals[reason.ordinal()].sum();
  }

  private static LongAdder[] adders(int n) {
    LongAdder[] a = new LongAdder[n];
    for (int i = 0; i < n; i++) {
      a[i] = new LongAdder();
    }
    return a;
  }

  /** {@return how many pool changes this selector has followed} */
  public long poolUpdates() {
    return poolUpdates.get();
  }

  @Override
  public Explanation explain(Request request) {
    Checks.notNull(request, "request");
    Picker p;
    Candidates c;
    rebuildLock.lock(); // the picker and the candidates it was built from, as one pair
    try {
      p = picker;
      c = candidates != null ? candidates
          : Candidates.of(pool.snapshot(), new Server[0], new io.lbkit.spi.ServerLoad[0], null,
              NoServerAvailableException.Reason.STRATEGY_FAILED, random, tracker.ticker());
    } finally {
      rebuildLock.unlock();
    }
    return Explanation.of(strategy.toString(), request, c, p, tracker, random);
  }

  @Override
  public HealthTracker tracker() {
    return tracker;
  }

  private void rebuildNow() {
    dirty.set(true);
    rebuildLock.lock();
    try {
      if (dirty.getAndSet(false)) {
        rebuild();
      }
    } finally {
      rebuildLock.unlock();
    }
    drainRequests(); // tells the tracker, after the lock, like every rebuild
  }

  private void requestRebuild() {
    dirty.set(true);
    if (rebuildExecutor == null || !rebuildQueued.compareAndSet(false, true)) {
      if (rebuildExecutor == null) {
        drainRequests();
      }
      return;
    }
    try {
      rebuildExecutor.execute(() -> {
        rebuildQueued.set(false); // before draining, so a change during the rebuild queues again
        drainRequests();
      });
    } catch (RejectedExecutionException e) {
      rebuildQueued.set(false);
      drainRequests(); // the executor is shutting down: rebuild here rather than lose the change
    }
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
    tracker.afterCandidates(); // its listeners run here, with no lock of this selector held
  }

  // Called with rebuildLock held.
  private void rebuild() {
    if (closed) {
      picker = new Unavailable(CLOSED);
      lastBuilt = null;
      return;
    }
    PoolSnapshot snapshot = pool.snapshot();
    Candidates next = tracker.candidates(snapshot, random);
    long changes = strategyChanges.get(); // read before newPicker reads the strategy's inputs
    if (candidates != null && changes == strategyChangesBuilt
        && next.choosesLike(candidates, strategy.usesRamp())) {
      candidates = next; // the same picker serves, with the latest figures kept for the next diff
      return;
    }
    strategyChangesBuilt = changes;
    Picker built;
    if (next.isEmpty()) {
      built = new Unavailable(NoServerAvailableException.shared(next.reasonIfEmpty()));
    } else {
      try {
        built = strategy.newPicker(next, lastBuilt);
        lastBuilt = built;
      } catch (RuntimeException e) {
        // A broken strategy must not leave removed servers choosable: fail closed instead.
        log.error("strategy {} failed to build a picker for pool version {}", strategy,
            snapshot.version(), e);
        built = new Unavailable(NoServerAvailableException.shared(
            NoServerAvailableException.Reason.STRATEGY_FAILED,
            "strategy " + strategy + " failed to build a picker: " + e, e));
        next = null; // so the next rebuild tries again, even over the same candidates
      }
    }
    candidates = next;
    picker = built;
    publications++;
  }

  /** {@return how many pickers this selector has published} For tests of write-path work. */
  public long publications() {
    rebuildLock.lock();
    try {
      return publications;
    } finally {
      rebuildLock.unlock();
    }
  }

  @Override
  public void close() {
    closed = true;
    pool.removeListener(poolListener);
    tracker.removeChangeListener(healthListener);
    tracker.removeLoadReportListener(reportListener);
    strategy.removeChangeListener(strategyListener);
    rebuildNow();
  }

  @Override
  public String toString() {
    return "Selector{" + strategy + ", pool v" + pool.snapshot().version() + '}';
  }

  /** The picker over no candidates: every pick refuses with the reason, made once. */
  private static final class Unavailable implements Picker {
    private final NoServerAvailableException refusal;

    Unavailable(NoServerAvailableException refusal) {
      this.refusal = refusal;
    }

    @Override
    public Server pick(Request request) {
      return null;
    }

    @Override
    public NoServerAvailableException refusal(Request request) {
      return refusal;
    }

    @Override
    public Picker copy(RandomSource random) {
      return this;
    }
  }
}
