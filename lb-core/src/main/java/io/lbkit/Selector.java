package io.lbkit;

import io.lbkit.internal.Checks;
import io.lbkit.internal.DefaultSelector;
import java.util.concurrent.Executor;

/**
 * Chooses a server for each call.
 *
 * <p>Threading: {@link #choose} may be called from any number of threads at once. It reads one
 * volatile reference to an immutable picker and picks: no lock, no allocation. Pool and health
 * changes build a new picker on the write path and publish it with one volatile write.
 */
public interface Selector extends AutoCloseable {

  /** Chooses a server for a call with no key and no exclusions. */
  default Server choose() {
    return choose(Request.NONE);
  }

  /**
   * Chooses a server for {@code request}, never one it excludes.
   *
   * @throws NoServerAvailableException when nothing can be chosen, with the reason
   */
  Server choose(Request request);

  /** Begins a call with no key and no exclusions; see {@link #begin(Request)}. */
  default Attempt begin() {
    return begin(Request.NONE);
  }

  /**
   * Begins one call: chooses a server for {@code request}, takes its breaker permission (choosing
   * again without a server whose half-open breaker has no probe slot left) and starts its
   * in-flight count. End the returned attempt exactly once, best with try-with-resources.
   *
   * @throws NoServerAvailableException when nothing can be chosen, with the reason
   */
  Attempt begin(Request request);

  /** The tracker that attempts report to; load-aware strategies read what it records. */
  HealthTracker tracker();

  /** Stops following the pool and the tracker. Choosing after close throws. */
  @Override
  default void close() {}

  static Builder builder(ServerPool pool) {
    return new Builder(pool);
  }

  /** Builds a selector: a pool, a strategy, and optionally a tracker and a random source. */
  final class Builder {
    private final ServerPool pool;
    private Strategy strategy;
    private HealthTracker tracker;
    private RandomSource random = RandomSource.threadLocal();
    private Executor rebuildExecutor;

    private Builder(ServerPool pool) {
      this.pool = Checks.notNull(pool, "pool");
    }

    public Builder strategy(Strategy strategy) {
      this.strategy = Checks.notNull(strategy, "strategy");
      return this;
    }

    /** Defaults to a new {@link LoadTracker} on the system ticker. */
    public Builder tracker(HealthTracker tracker) {
      this.tracker = Checks.notNull(tracker, "tracker");
      return this;
    }

    /** Defaults to {@link RandomSource#threadLocal()}; tests pass a seeded source. */
    public Builder random(RandomSource random) {
      this.random = Checks.notNull(random, "random");
      return this;
    }

    /**
     * Where pickers are rebuilt after health changes, so that the thread reporting the outcome
     * that ejected a server does not pay for the rebuild. Default: none, the notifying thread
     * rebuilds. Pool updates always rebuild before {@code update()} returns.
     */
    public Builder rebuildExecutor(Executor executor) {
      this.rebuildExecutor = Checks.notNull(executor, "rebuildExecutor");
      return this;
    }

    public Selector build() {
      Checks.state(strategy != null, "strategy", null, "set before build()");
      HealthTracker t = tracker != null ? tracker : LoadTracker.create();
      return new DefaultSelector(pool, strategy, t, random, rebuildExecutor);
    }
  }
}
