package io.lbkit.strategy;

import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.Strategy;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.PickReport;
import io.lbkit.spi.Picker;

/**
 * Weighted random choice in O(1) per pick through an {@link AliasTable} built on the write path
 * over the candidates' effective weights (so slow-start ramps are honoured).
 *
 * <p>Exclusions: up to {@link #REDRAWS} more weighted draws, then the first allowed candidate
 * from the last draw.
 */
enum WeightedRandomStrategy implements Strategy {
  INSTANCE;

  static final int REDRAWS = 8;

  @Override
  public Picker newPicker(Candidates candidates, Picker previous) {
    return new WeightedRandomPicker(candidates, AliasTable.of(candidates, true));
  }

  @Override
  public String toString() {
    return "weightedRandom";
  }

  static final class WeightedRandomPicker implements Picker {
    private final Candidates candidates;
    private final Server[] servers;
    private final AliasTable alias;
    private final RandomSource random;

    WeightedRandomPicker(Candidates candidates, AliasTable alias) {
      this.candidates = candidates;
      this.servers = candidates.servers().toArray(new Server[0]);
      this.alias = alias;
      this.random = candidates.random();
    }

    @Override
    public Server pick(Request request) {
      int i = alias.draw(random.nextLong());
      if (!request.hasExclusions()) {
        return servers[i];
      }
      for (int k = 0; k < REDRAWS && request.excludes(servers[i]); k++) {
        i = alias.draw(random.nextLong());
      }
      return request.excludes(servers[i]) ? Walk.allowed(candidates, i, request) : servers[i];
    }

    @Override
    public Picker copy(RandomSource random) {
      return new WeightedRandomPicker(candidates.withRandom(random), alias);
    }

    @Override
    public void describe(Request request, Server chosen, PickReport report) {
      Explain.weighted(candidates, report);
    }
  }
}
