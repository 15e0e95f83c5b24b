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
 * Least connections relative to weight, in Envoy's form: choose the least
 * {@code cost = (inFlight + 1)^bias / effectiveWeight} (Envoy maximises the inverse,
 * {@code weight / (active + 1)^bias}). Bias 1 (the default) is in-flight per unit of weight,
 * with the +1 so that idle servers still rank by weight; bias 0 ignores load; a higher bias
 * reacts more strongly to load. The effective weight includes the slow-start ramp.
 *
 * <p>Same two modes as {@link LeastConnectionsStrategy}: an exact scan up to {@code
 * exactScanLimit} candidates, two random choices above it (candidates drawn uniformly, then
 * compared by cost). Ties go to a random one. {@code (a + 1)^bias} comes from a table for
 * in-flight counts below {@link #POW_TABLE}, so no {@code Math.pow} on the common path.
 */
final class WeightedLeastConnectionsStrategy implements Strategy {
  static final int POW_TABLE = 128;

  private final double bias;
  private final int exactScanLimit;
  private final double[] loadFactor;

  WeightedLeastConnectionsStrategy(double bias, int exactScanLimit) {
    Checks.argument(bias >= 0 && Double.isFinite(bias), "activeRequestBias", bias,
        ">= 0 and finite");
    this.bias = bias;
    this.exactScanLimit = Checks.nonNegative(exactScanLimit, "exactScanLimit");
    this.loadFactor = new double[POW_TABLE];
    for (int a = 0; a < POW_TABLE; a++) {
      loadFactor[a] = Math.pow(a + 1, bias);
    }
  }

  @Override
  public Picker newPicker(Candidates candidates, Picker previous) {
    return new WeightedLeastConnectionsPicker(this, candidates,
        candidates.size() <= exactScanLimit);
  }

  double loadFactor(int inFlight) {
    return inFlight < POW_TABLE ? loadFactor[inFlight] : Math.pow(inFlight + 1.0, bias);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof WeightedLeastConnectionsStrategy)) {
      return false;
    }
    WeightedLeastConnectionsStrategy s = (WeightedLeastConnectionsStrategy) o;
    return Double.compare(s.bias, bias) == 0 && s.exactScanLimit == exactScanLimit;
  }

  @Override
  public int hashCode() {
    return Double.hashCode(bias) * 31 + exactScanLimit;
  }

  @Override
  public String toString() {
    return "weightedLeastConnections(bias=" + bias + ", exactScanLimit=" + exactScanLimit + ')';
  }

  static final class WeightedLeastConnectionsPicker implements Picker {
    private final WeightedLeastConnectionsStrategy strategy;
    private final Candidates candidates;
    private final Server[] servers;
    private final ServerMetrics[] metrics;
    private final double[] inverseWeight;
    private final RandomSource random;
    private final boolean exact;

    WeightedLeastConnectionsPicker(WeightedLeastConnectionsStrategy strategy,
        Candidates candidates, boolean exact) {
      this.strategy = strategy;
      this.candidates = candidates;
      this.servers = candidates.servers().toArray(new Server[0]);
      int n = servers.length;
      this.metrics = new ServerMetrics[n];
      this.inverseWeight = new double[n];
      for (int i = 0; i < n; i++) {
        metrics[i] = candidates.metrics(i);
        inverseWeight[i] = 1.0 / candidates.effectiveWeight(i);
      }
      this.random = candidates.random();
      this.exact = exact || n == 1;
    }

    private double cost(int i) {
      return strategy.loadFactor(metrics[i].inFlight()) * inverseWeight[i];
    }

    @Override
    public Server pick(Request request) {
      if (exact) {
        int i = scan(request);
        return i < 0 ? null : servers[i];
      }
      long r = random.nextLong();
      int a = Draw.first(r, servers.length);
      int b = Draw.second(r, servers.length, a);
      double ca = cost(a);
      double cb = cost(b);
      int i = ca < cb ? a : ca > cb ? b : Draw.coin(r) ? a : b;
      // The ramp is in the weights already: only exclusions need the walk.
      return request.hasExclusions() ? Walk.allowed(candidates, i, request) : servers[i];
    }

    private int scan(Request request) {
      boolean excluding = request.hasExclusions();
      long bits = random.nextLong() | 1L; // xorshift needs a non-zero state
      int best = -1;
      double bestCost = Double.POSITIVE_INFINITY;
      int ties = 0;
      for (int i = 0; i < servers.length; i++) {
        if (excluding && request.excludes(servers[i])) {
          continue;
        }
        double c = cost(i);
        if (best < 0 || c < bestCost) {
          best = i;
          bestCost = c;
          ties = 1;
        } else if (c == bestCost) {
          bits = Draw.next(bits);
          if (Draw.index(bits, ++ties) == 0) {
            best = i;
          }
        }
      }
      return best;
    }
  }
}
