package io.lbkit.strategy;

import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.Strategy;
import io.lbkit.internal.Checks;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.Picker;
import io.lbkit.spi.ServerMetrics;

/**
 * Fewest in-flight calls ({@link ServerMetrics#inFlight()}).
 *
 * <p>Two modes, chosen per picker from the candidate count: up to {@code exactScanLimit}
 * candidates (default {@value Strategies#DEFAULT_EXACT_SCAN_LIMIT}) every candidate is read and a
 * minimum taken, O(N); above it, two distinct random candidates are compared (power of two
 * choices, O(1)), which at large N spreads load almost as well and, unlike an exact minimum read
 * by many threads at once, does not send a burst of callers to the same momentarily idle server.
 * Ties go to a uniformly random one of the tied candidates (reservoir sampling driven by one
 * random draw), never always to the first.
 *
 * <p>Slow start: the winner is accepted with its ramp probability, else the shared walk decides.
 * Exclusions are skipped during the exact scan; in P2C mode the walk starts at the winner.
 */
final class LeastConnectionsStrategy implements Strategy {
  private final int exactScanLimit;

  LeastConnectionsStrategy(int exactScanLimit) {
    this.exactScanLimit = Checks.nonNegative(exactScanLimit, "exactScanLimit");
  }

  @Override
  public Picker newPicker(Candidates candidates, Picker previous) {
    return new LeastConnectionsPicker(candidates, candidates.size() <= exactScanLimit);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LeastConnectionsStrategy
        && ((LeastConnectionsStrategy) o).exactScanLimit == exactScanLimit;
  }

  @Override
  public int hashCode() {
    return exactScanLimit;
  }

  @Override
  public String toString() {
    return "leastConnections(exactScanLimit=" + exactScanLimit + ')';
  }

  static final class LeastConnectionsPicker implements Picker {
    private final Candidates candidates;
    private final boolean ramping;
    private final Server[] servers;
    private final ServerMetrics[] metrics;
    private final RandomSource random;
    private final boolean exact;

    LeastConnectionsPicker(Candidates candidates, boolean exact) {
      this.candidates = candidates;
      this.ramping = candidates.isRamping();
      this.servers = candidates.servers().toArray(new Server[0]);
      this.metrics = new ServerMetrics[servers.length];
      for (int i = 0; i < metrics.length; i++) {
        metrics[i] = candidates.metrics(i);
      }
      this.random = candidates.random();
      this.exact = exact || servers.length == 1;
    }

    @Override
    public Server pick(Request request) {
      int i = exact ? scan(request) : twoChoices();
      if (i < 0) {
        return null;
      }
      return !ramping && !request.hasExclusions() ? servers[i] : Walk.from(candidates, i, request);
    }

    private int scan(Request request) {
      ServerMetrics[] m = metrics;
      boolean excluding = request.hasExclusions();
      long bits = random.nextLong() | 1L; // xorshift needs a non-zero state
      int best = -1;
      int bestLoad = Integer.MAX_VALUE;
      int ties = 0;
      for (int i = 0; i < m.length; i++) {
        if (excluding && request.excludes(servers[i])) {
          continue;
        }
        int load = m[i].inFlight();
        if (best < 0 || load < bestLoad) {
          best = i;
          bestLoad = load;
          ties = 1;
        } else if (load == bestLoad) {
          // Reservoir: the k-th tied candidate replaces the choice with probability 1/k.
          bits = Draw.next(bits);
          if (Draw.index(bits, ++ties) == 0) {
            best = i;
          }
        }
      }
      return best;
    }

    private int twoChoices() {
      ServerMetrics[] m = metrics;
      long r = random.nextLong();
      int a = Draw.first(r, m.length);
      int b = Draw.second(r, m.length, a);
      int la = m[a].inFlight();
      int lb = m[b].inFlight();
      return la < lb ? a : la > lb ? b : Draw.coin(r) ? a : b;
    }
  }
}
