package io.lbkit.strategy;

import io.lbkit.Strategy;
import io.lbkit.internal.Checks;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.Picker;

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
    int n = candidates.size();
    return new WeightedLeastConnectionsPicker(this, candidates, n <= exactScanLimit || n == 1);
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

  /** Cost = (inFlight + 1)^bias / effective weight: the ramp is in the cost. */
  static final class WeightedLeastConnectionsPicker extends LoadPicker {
    private final WeightedLeastConnectionsStrategy strategy;
    private final double[] inverseWeight;

    WeightedLeastConnectionsPicker(WeightedLeastConnectionsStrategy strategy,
        Candidates candidates, boolean exact) {
      super(candidates, exact, true);
      this.strategy = strategy;
      this.inverseWeight = new double[candidates.size()];
      for (int i = 0; i < inverseWeight.length; i++) {
        inverseWeight[i] = 1.0 / candidates.effectiveWeight(i);
      }
    }

    @Override
    double cost(int i) {
      return strategy.loadFactor(loads[i].inFlight()) * inverseWeight[i];
    }

    @Override
    LoadPicker twin(Candidates c, boolean exact) {
      return new WeightedLeastConnectionsPicker(strategy, c, exact);
    }

    @Override
    String costText(int i) {
      return "(in-flight " + loads[i].inFlight() + " + 1)^" + strategy.bias + " / (weight "
          + candidates.weight(i) + " x ramp " + Explain.num(candidates.ramp(i)) + ") = "
          + Explain.num(cost(i));
    }
  }
}
