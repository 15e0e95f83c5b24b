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

  /** Builds a picker over non-empty {@code candidates}. */
  Picker newPicker(Candidates candidates, Picker previous);

  /**
   * Whether pickers of this strategy read the slow-start ramp ({@link Candidates#ramp}). A
   * strategy that does not (key-affinity ones: hash, ring, Maglev) gets no new picker for a ramp
   * step, so a server ramping up costs no table rebuilds. Wrappers answer for what they wrap.
   */
  default boolean usesRamp() {
    return true;
  }

  /** A selector over {@code pool} with a load-recording tracker and thread-local randomness. */
  default Selector newSelector(ServerPool pool) {
    return Selector.builder(pool).strategy(this).build();
  }

  /** A selector over {@code pool} whose health and load come from {@code tracker}. */
  default Selector newSelector(ServerPool pool, HealthTracker tracker) {
    return Selector.builder(pool).strategy(this).tracker(tracker).build();
  }
}
