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

  /**
   * Chooses a server for a call with no key and no exclusions, as {@code choose(Request.NONE)}.
   * A bare pick: no breaker permission is taken and nothing is counted; prefer {@link #begin()}
   * for a call whose outcome should be reported.
   *
   * @return the chosen server, never null
   * @throws NoServerAvailableException when nothing can be chosen, with the reason
   */
  default Server choose() {
    return choose(Request.NONE);
  }

  /**
   * Chooses a server for {@code request}, never one it excludes. Lock-free and allocation-free:
   * one read of the current picker and its pick.
   *
   * @param request the call's key, exclusions and kind; {@link Request#NONE} for none
   * @return the chosen server, never null
   * @throws NoServerAvailableException when nothing can be chosen, with the reason
   */
  Server choose(Request request);

  /**
   * Begins a call with no key and no exclusions; see {@link #begin(Request)}.
   *
   * @return the started attempt, to be ended exactly once
   * @throws NoServerAvailableException when nothing can be chosen, with the reason
   */
  default Attempt begin() {
    return begin(Request.NONE);
  }

  /**
   * Begins one call: chooses a server for {@code request}, takes its breaker permission (choosing
   * again without a server whose half-open breaker has no probe slot left) and starts its
   * in-flight count. End the returned attempt exactly once, best with try-with-resources.
   *
   * @param request the call's key, exclusions and kind; {@link Request#NONE} for none
   * @return the started attempt, to be ended exactly once
   * @throws NoServerAvailableException when nothing can be chosen, with the reason
   */
  Attempt begin(Request request);

  /**
   * Explains, off the pick path, what {@code choose(request)} would do now: the candidates, why
   * every other member of the pool is out, each candidate's score as the strategy sees it, and
   * the server it would choose, computed on a copy of the picker's state so that {@link #choose}
   * is not disturbed (see {@link Explanation} for when the chosen server is exact). Allocates and
   * takes the selector's rebuild lock briefly: for diagnostics, not per call.
   *
   * @param request the request to explain
   * @return the explanation
   * @throws NullPointerException if {@code request} is null
   * @throws UnsupportedOperationException from a selector that cannot explain (the default)
   */
  default Explanation explain(Request request) {
    throw new UnsupportedOperationException("explain: not supported by " + this);
  }

  /** {@return the tracker that attempts report to} Load-aware strategies read what it records. */
  HealthTracker tracker();

  /** Stops following the pool and the tracker. Choosing after close throws. */
  @Override
  default void close() {}

  /**
   * Starts a selector over {@code pool}; a strategy must be set before {@link Builder#build()}.
   *
   * @param pool the servers to choose from; the built selector follows its changes until closed
   * @return a new builder
   * @throws NullPointerException if {@code pool} is null
   */
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

    /**
     * Sets the selection algorithm; required.
     *
     * @param strategy the algorithm, for example one of lb-strategies' {@code Strategies}
     * @return this builder
     * @throws NullPointerException if {@code strategy} is null
     */
    public Builder strategy(Strategy strategy) {
      this.strategy = Checks.notNull(strategy, "strategy");
      return this;
    }

    /**
     * Sets the tracker that records outcomes and decides availability. Defaults to a new {@link
     * LoadTracker} on the system ticker, which records load and never ejects.
     *
     * @param tracker the tracker; the selector never closes it
     * @return this builder
     * @throws NullPointerException if {@code tracker} is null
     */
    public Builder tracker(HealthTracker tracker) {
      this.tracker = Checks.notNull(tracker, "tracker");
      return this;
    }

    /**
     * Sets the source of the pickers' random choices. Defaults to {@link
     * RandomSource#threadLocal()}; tests pass a {@link RandomSource#seeded seeded} source.
     *
     * @param random the source, shared by every picker this selector builds
     * @return this builder
     * @throws NullPointerException if {@code random} is null
     */
    public Builder random(RandomSource random) {
      this.random = Checks.notNull(random, "random");
      return this;
    }

    /**
     * Where pickers are rebuilt after health changes, so that the thread reporting the outcome
     * that ejected a server does not pay for the rebuild. Default: none, the notifying thread
     * rebuilds. Pool updates always rebuild before {@code update()} returns.
     *
     * @param executor runs the rebuilds that health changes request; a burst of changes queues one
     * @return this builder
     * @throws NullPointerException if {@code executor} is null
     */
    public Builder rebuildExecutor(Executor executor) {
      this.rebuildExecutor = Checks.notNull(executor, "rebuildExecutor");
      return this;
    }

    /**
     * Builds the selector: compiles its first picker now, then follows the pool and the tracker
     * until {@link Selector#close()}.
     *
     * @return the new selector
     * @throws IllegalStateException if no strategy was set
     */
    public Selector build() {
      Checks.state(strategy != null, "strategy", null, "set before build()");
      HealthTracker t = tracker != null ? tracker : LoadTracker.create();
      return new DefaultSelector(pool, strategy, t, random, rebuildExecutor);
    }
  }
}
