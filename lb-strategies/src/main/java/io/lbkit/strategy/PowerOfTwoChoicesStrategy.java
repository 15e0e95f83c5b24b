package io.lbkit.strategy;

import io.lbkit.Strategy;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.Picker;

/**
 * Power of two choices (Mitzenmacher): two distinct uniformly random candidates, the one with
 * fewer in-flight calls wins, a fair coin on a tie. O(1) at any pool size; the maximum load stays
 * within O(log log N) of the mean, where one random choice gives O(log N / log log N), and
 * unlike an exact minimum it does not herd concurrent callers onto one idle server. Both choices,
 * the comparison's coin included, come from one 64-bit draw ({@link LoadPicker}).
 *
 * <p>Slow start: the winner is accepted with its ramp probability, else the shared walk decides;
 * with exclusions the walk starts at the winner.
 */
enum PowerOfTwoChoicesStrategy implements Strategy {
  INSTANCE;

  @Override
  public Picker newPicker(Candidates candidates, Picker previous) {
    // Least connections that always compares two: one picker, one comparison.
    return new LeastConnectionsStrategy.LeastConnectionsPicker(candidates, false);
  }

  @Override
  public String toString() {
    return "powerOfTwoChoices";
  }
}
