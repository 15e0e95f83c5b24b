package io.lbkit.strategy;

import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.Strategy;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.Picker;
import io.lbkit.spi.ServerMetrics;

/**
 * Power of two choices (Mitzenmacher): two distinct uniformly random candidates, the one with
 * fewer in-flight calls wins, a fair coin on a tie. O(1) at any pool size; the maximum load stays
 * within O(log log N) of the mean, where one random choice gives O(log N / log log N), and
 * unlike an exact minimum it does not herd concurrent callers onto one idle server. Both choices,
 * the comparison's coin included, come from one 64-bit draw ({@link Draw}).
 *
 * <p>Slow start: the winner is accepted with its ramp probability, else the shared walk decides;
 * with exclusions the walk starts at the winner.
 */
enum PowerOfTwoChoicesStrategy implements Strategy {
  INSTANCE;

  @Override
  public Picker newPicker(Candidates candidates, Picker previous) {
    return new PowerOfTwoChoicesPicker(candidates);
  }

  @Override
  public String toString() {
    return "powerOfTwoChoices";
  }

  static final class PowerOfTwoChoicesPicker implements Picker {
    private final Candidates candidates;
    private final boolean ramping;
    private final Server[] servers;
    private final ServerMetrics[] metrics;
    private final RandomSource random;

    PowerOfTwoChoicesPicker(Candidates candidates) {
      this.candidates = candidates;
      this.ramping = candidates.isRamping();
      this.servers = candidates.servers().toArray(new Server[0]);
      this.metrics = new ServerMetrics[servers.length];
      for (int i = 0; i < metrics.length; i++) {
        metrics[i] = candidates.metrics(i);
      }
      this.random = candidates.random();
    }

    @Override
    public Server pick(Request request) {
      ServerMetrics[] m = metrics;
      int i = 0;
      if (m.length > 1) {
        long r = random.nextLong();
        int a = Draw.first(r, m.length);
        int b = Draw.second(r, m.length, a);
        int la = m[a].inFlight();
        int lb = m[b].inFlight();
        i = la < lb ? a : la > lb ? b : Draw.coin(r) ? a : b;
      }
      return !ramping && !request.hasExclusions() ? servers[i] : Walk.from(candidates, i, request);
    }
  }
}
