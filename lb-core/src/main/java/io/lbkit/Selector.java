package io.lbkit;

import io.lbkit.internal.Checks;
import io.lbkit.internal.DefaultSelector;

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

  /** The tracker to report call outcomes to; load-aware strategies read what it records. */
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

    public Selector build() {
      Checks.state(strategy != null, "strategy", null, "set before build()");
      HealthTracker t = tracker != null ? tracker : LoadTracker.create();
      return new DefaultSelector(pool, strategy, t, random);
    }
  }
}
