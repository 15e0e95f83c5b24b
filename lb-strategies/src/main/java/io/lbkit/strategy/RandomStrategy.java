package io.lbkit.strategy;

import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.Strategy;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.PickReport;
import io.lbkit.spi.Picker;

/** Uniform random choice from the selector's {@link RandomSource}. */
enum RandomStrategy implements Strategy {
  INSTANCE;

  @Override
  public Picker newPicker(Candidates candidates, Picker previous) {
    return new RandomPicker(candidates);
  }

  @Override
  public String toString() {
    return "random";
  }

  static final class RandomPicker implements Picker {
    private final Candidates candidates;
    private final Server[] servers;
    private final RandomSource random;

    RandomPicker(Candidates candidates) {
      this.candidates = candidates;
      this.servers = candidates.servers().toArray(new Server[0]);
      this.random = candidates.random();
    }

    @Override
    public Server pick(Request request) {
      Server[] s = servers;
      int i = random.nextInt(s.length);
      return Walk.fastPath(candidates, request) ? s[i] : Walk.from(candidates, i, request);
    }

    @Override
    public Picker copy(RandomSource random) {
      return new RandomPicker(candidates.withRandom(random));
    }

    @Override
    public void describe(Request request, Server chosen, PickReport report) {
      for (int i = 0; i < servers.length; i++) {
        report.score(servers[i], "uniform, 1 in " + servers.length
            + Explain.rampDraw(candidates, i));
      }
    }
  }
}
