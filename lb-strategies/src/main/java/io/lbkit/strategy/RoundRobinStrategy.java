package io.lbkit.strategy;

import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.Strategy;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.PickReport;
import io.lbkit.spi.Picker;

/**
 * Round robin over striped cursors ({@link Stripes}): one thread sees an exact rotation, threads
 * do not contend on one counter, and every picker built from a previous one inherits its cursors,
 * so a rebuild (a pool or health change) continues the rotation rather than restarting it.
 */
enum RoundRobinStrategy implements Strategy {
  INSTANCE;

  @Override
  public Picker newPicker(Candidates candidates, Picker previous) {
    Stripes stripes = previous instanceof RoundRobinPicker
        ? ((RoundRobinPicker) previous).stripes
        : new Stripes(candidates.random(), candidates.size());
    return new RoundRobinPicker(candidates, stripes);
  }

  @Override
  public String toString() {
    return "roundRobin";
  }

  static final class RoundRobinPicker implements Picker {
    private final Candidates candidates;
    private final boolean ramping;
    private final Server[] servers;
    private final Stripes stripes;

    RoundRobinPicker(Candidates candidates, Stripes stripes) {
      this.candidates = candidates;
      this.ramping = candidates.isRamping();
      this.servers = candidates.servers().toArray(new Server[0]);
      this.stripes = stripes;
    }

    @Override
    public Server pick(Request request) {
      Server[] s = servers;
      int i = stripes.next(s.length);
      return !ramping && !request.hasExclusions() ? s[i] : Walk.from(candidates, i, request);
    }

    @Override
    public Picker copy(RandomSource random) {
      return new RoundRobinPicker(candidates.withRandom(random), stripes.copy());
    }

    @Override
    public void describe(Request request, Server chosen, PickReport report) {
      int n = servers.length;
      for (int i = 0; i < n; i++) {
        report.score(servers[i], "rotation slot " + (i + 1) + " of " + n
            + Explain.rampDraw(candidates, i));
      }
    }
  }
}
