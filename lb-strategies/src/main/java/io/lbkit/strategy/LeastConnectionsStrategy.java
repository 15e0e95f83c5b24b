package io.lbkit.strategy;

import io.lbkit.Strategy;
import io.lbkit.internal.Checks;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.Picker;
import io.lbkit.spi.ServerLoad;

/**
 * Fewest in-flight calls ({@link ServerLoad#inFlight()}), picked by {@link LoadPicker}.
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
    int n = candidates.size();
    return new LeastConnectionsPicker(candidates, n <= exactScanLimit || n == 1);
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

  /** Cost = in-flight calls; P2C mode alone is {@link PowerOfTwoChoicesStrategy}. */
  static final class LeastConnectionsPicker extends LoadPicker {
    LeastConnectionsPicker(Candidates candidates, boolean exact) {
      super(candidates, exact, false);
    }

    @Override
    double cost(int i) {
      return loads[i].inFlight();
    }

    @Override
    LoadPicker twin(Candidates c, boolean exact) {
      return new LeastConnectionsPicker(c, exact);
    }

    @Override
    String costText(int i) {
      return "in-flight " + loads[i].inFlight();
    }

    /** The same rule in ints: no conversions on the two-choice path (measured ~2 ns at N=1000). */
    @Override
    int cheaper(int a, int b, boolean coin) {
      int la = loads[a].inFlight();
      int lb = loads[b].inFlight();
      return la < lb ? a : la > lb ? b : coin ? a : b;
    }
  }
}
