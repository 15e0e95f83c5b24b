package io.lbkit;

import io.lbkit.spi.Candidates;
import io.lbkit.spi.Picker;

/**
 * A selection algorithm: a factory of immutable {@link Picker}s. Implementations live in
 * {@code lb-strategies} behind {@code Strategies}.
 *
 * <p>{@link #newPicker} runs on the write path only, serialised per selector, whenever the
 * candidates change. It is where every expensive structure (schedule, alias table, ring) is built.
 * {@code previous} is the picker being replaced (possibly of another strategy, or null) so that a
 * rotation can continue or a table be reused.
 */
public interface Strategy {

  /**
   * Builds a picker over {@code candidates}. A strategy that throws here makes the selector fail
   * closed: it refuses every call ({@link NoServerAvailableException.Reason#STRATEGY_FAILED})
   * until a later rebuild (a pool or health change, even to the same candidates) succeeds.
   *
   * @param candidates the servers to choose from, never empty
   * @param previous the picker being replaced (possibly of another strategy), or null
   * @return the new picker, immutable except for atomic counters it owns
   */
  Picker newPicker(Candidates candidates, Picker previous);

  /**
   * Whether pickers of this strategy read the slow-start ramp ({@link Candidates#ramp}). A
   * strategy that does not (key-affinity ones: hash, ring, Maglev) gets no new picker for a ramp
   * step, so a server ramping up costs no table rebuilds. Wrappers answer for what they wrap.
   *
   * @return true (the default) when pickers read the ramp
   */
  default boolean usesRamp() {
    return true;
  }

  /**
   * Asks to be told when pickers of this strategy would choose differently over the same
   * candidates: a strategy whose pickers depend on more than the candidates (a {@link Fleet}
   * position, server-reported weights) calls {@code listener} after such a change, and the
   * selector rebuilds its picker (on its write path, as after a health change). Selectors add
   * their listener when built and remove it when closed. Wrappers pass the listener on to what
   * they wrap, as well as calling it for their own inputs.
   *
   * <p>The listener may be called from any thread, must not be called while holding a lock the
   * strategy's {@link #newPicker} needs, and does not block. The default keeps no listener: the
   * strategy's pickers depend on the candidates only.
   *
   * @param listener asks the selector to rebuild
   * @throws NullPointerException if {@code listener} is null (implementations that keep it)
   */
  default void addChangeListener(Runnable listener) {}

  /**
   * Stops telling {@code listener} (added by {@link #addChangeListener}); a listener never added
   * is ignored. Wrappers pass it on to what they wrap.
   *
   * @param listener the listener to drop
   */
  default void removeChangeListener(Runnable listener) {}

  /**
   * Told by a selector each time its tracker recorded a server's {@link LoadReport}, on the
   * reporting thread: a strategy whose pickers weigh reported load calls its change listeners
   * ({@link #addChangeListener}) when its weights are due to be computed again, so that the
   * selector rebuilds on its write path. It must be cheap (it runs once per reported response)
   * and must not block. Wrappers pass it on to what they wrap. The default does nothing.
   */
  default void onLoadReport() {}

  /**
   * A selector over {@code pool} with this strategy, a new {@link LoadTracker} and thread-local
   * randomness.
   *
   * @param pool the servers to choose from
   * @return the new selector
   * @throws NullPointerException if {@code pool} is null
   */
  default Selector newSelector(ServerPool pool) {
    return Selector.builder(pool).strategy(this).build();
  }

  /**
   * A selector over {@code pool} with this strategy, whose health and load come from {@code
   * tracker}.
   *
   * @param pool the servers to choose from
   * @param tracker the tracker the selector's attempts report to
   * @return the new selector
   * @throws NullPointerException if {@code pool} or {@code tracker} is null
   */
  default Selector newSelector(ServerPool pool, HealthTracker tracker) {
    return Selector.builder(pool).strategy(this).tracker(tracker).build();
  }
}
