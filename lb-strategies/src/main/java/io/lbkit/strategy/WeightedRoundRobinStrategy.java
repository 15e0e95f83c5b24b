package io.lbkit.strategy;

import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.Strategy;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.PickReport;
import io.lbkit.spi.Picker;

/**
 * Smooth weighted round robin (nginx order: weights 5,1,1 give a a b a c a a, never a burst).
 * The write path precomputes one full cycle ({@link SmoothSchedule}); a pick steps the calling
 * thread's cursor ({@link Stripes}) through it: O(1), lock-free, no allocation, no shared counter
 * between threads. Weights are the candidates' effective weights, so a slow-start ramp lowers a
 * server's share; cursors carry over across rebuilds.
 *
 * <p>Exclusions: as every {@link CyclePicker}'s.
 */
enum WeightedRoundRobinStrategy implements Strategy {
  INSTANCE;

  @Override
  public Picker newPicker(Candidates candidates, Picker previous) {
    int[] schedule = SmoothSchedule.of(candidates);
    Stripes stripes = previous instanceof WeightedRoundRobinPicker
        ? ((WeightedRoundRobinPicker) previous).stripes
        : new Stripes(candidates.random(), schedule.length);
    return new WeightedRoundRobinPicker(candidates, schedule, stripes);
  }

  @Override
  public String toString() {
    return "weightedRoundRobin";
  }

  static final class WeightedRoundRobinPicker extends CyclePicker {
    WeightedRoundRobinPicker(Candidates candidates, int[] schedule, Stripes stripes) {
      super(candidates, schedule, stripes);
    }

    @Override
    public Picker copy(RandomSource random) {
      return new WeightedRoundRobinPicker(candidates.withRandom(random), schedule, stripes.copy());
    }

    @Override
    public void describe(Request request, Server chosen, PickReport report) {
      int[] slots = slotsPerCandidate();
      for (int i = 0; i < servers.length; i++) {
        report.score(servers[i], "weight " + candidates.weight(i) + " x ramp "
            + Explain.num(candidates.ramp(i)) + ": " + slots[i] + " of the cycle's "
            + schedule.length + " slots");
      }
    }
  }
}
