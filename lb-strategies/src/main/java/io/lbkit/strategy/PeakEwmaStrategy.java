package io.lbkit.strategy;

import io.lbkit.Strategy;
import io.lbkit.Ticker;
import io.lbkit.internal.Checks;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.Picker;
import io.lbkit.spi.ServerLoad;
import java.time.Duration;

/**
 * Least response time by peak EWMA (Finagle's and Linkerd's PeakEwma, Envoy's peak_ewma): of two
 * distinct random candidates, the one with the lower {@code cost = latency x (inFlight + 1)}
 * wins, where latency is the server's peak-sensitive EWMA ({@link ServerLoad}: it jumps to a
 * new peak at once and decays with the tracker's time constant tau, 10 s by default) or, before
 * the server has any latency, {@code defaultRtt} (10 ms by default, as Envoy). Ties: a fair coin.
 *
 * <pre>
 * No clock read per pick, in the common case. The decayed latency at time t of a server whose
 * EWMA was E at its last update s is E x exp(-(t - s) / tau). Comparing two such servers,
 *   E_a exp(-(t - s_a)/tau) (p_a + 1)  <  E_b exp(-(t - s_b)/tau) (p_b + 1)
 *   <=>  E_a (p_a + 1) exp((s_a - s_b) / tau)  <  E_b (p_b + 1)
 * since the common factor exp(-t / tau) > 0 cancels: the decision does not depend on now. So a
 * pick costs at most one exp() of the stamps' difference x = (s_a - s_b) / tau (clamped to
 * +-700 so that it stays finite) instead of a ticker read (~20 ns for System.nanoTime) plus two
 * exp(). Usually none at all: 1 + x <= exp(x) <= 1 / (1 - x) (for x < 1), so
 *   A < B (1 - x)  =>  A exp(x) <= A / (1 - x) < B          (a wins)
 *   A (1 + x) > B  =>  A exp(x) >= A (1 + x) > B            (b wins)
 * with A = E_a (p_a + 1), B = E_b (p_b + 1); only costs within a factor of about (1 +- x) of each
 * other, near-ties, need the exp(). The ticker is read only
 * when exactly one of the two has no latency yet: then its default RTT, which does not decay,
 * must be compared with the other's decayed value at now. Both without latency: default RTT on
 * both sides, so in-flight decides. A torn read of (E, s) while a completion updates them can
 * skew one comparison, never more.
 * </pre>
 *
 * <p>Slow start: the winner is accepted with its ramp probability, else the shared walk decides;
 * with exclusions the walk starts at the winner.
 */
final class PeakEwmaStrategy implements Strategy {
  private static final double MAX_EXPONENT = 700.0;

  private final long defaultRttNanos;

  PeakEwmaStrategy(Duration defaultRtt) {
    this.defaultRttNanos = Checks.positive(defaultRtt, "defaultRtt").toNanos();
  }

  @Override
  public Picker newPicker(Candidates candidates, Picker previous) {
    return new PeakEwmaPicker(candidates, defaultRttNanos);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PeakEwmaStrategy
        && ((PeakEwmaStrategy) o).defaultRttNanos == defaultRttNanos;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(defaultRttNanos);
  }

  @Override
  public String toString() {
    return "peakEwma(defaultRtt=" + Duration.ofNanos(defaultRttNanos) + ')';
  }

  static final class PeakEwmaPicker extends LoadPicker {
    private final Ticker ticker;
    private final double defaultRtt;

    PeakEwmaPicker(Candidates candidates, long defaultRttNanos) {
      super(candidates, false, false);
      this.ticker = candidates.ticker();
      this.defaultRtt = defaultRttNanos;
    }

    /** The cost at now; picks use {@link #cheaper}, which needs no clock. */
    @Override
    double cost(int i) {
      ServerLoad m = loads[i];
      return (m.inFlight() + 1.0)
          * (m.hasLatency() ? m.ewmaLatencyNanos(ticker.read()) : defaultRtt);
    }

    @Override
    int cheaper(int a, int b, boolean coin) {
      int c = compare(loads[a], loads[b]);
      return c < 0 ? a : c > 0 ? b : coin ? a : b;
    }

    /** Negative when {@code a} costs less, positive when {@code b} does, 0 on a tie. */
    int compare(ServerLoad a, ServerLoad b) {
      double la = a.inFlight() + 1.0;
      double lb = b.inFlight() + 1.0;
      boolean ha = a.hasLatency();
      boolean hb = b.hasLatency();
      if (ha && hb) {
        long ds = a.ewmaStampNanos() - b.ewmaStampNanos();
        la *= a.ewmaCostNanos();
        lb *= b.ewmaCostNanos();
        if (ds != 0) {
          // exp(x) lies in [1 + x, 1 / (1 - x)] (the upper bound for x < 1), so unless the two
          // costs are within a factor (1 +- x) of each other the bounds decide without exp().
          double x = ds / a.decayNanos();
          if (la < lb * (1.0 - x)) {
            return -1;
          }
          if (la * (1.0 + x) > lb) {
            return 1;
          }
          la *= Math.exp(Math.max(-MAX_EXPONENT, Math.min(MAX_EXPONENT, x)));
        }
      } else if (ha || hb) {
        long now = ticker.read();
        la *= ha ? a.ewmaLatencyNanos(now) : defaultRtt;
        lb *= hb ? b.ewmaLatencyNanos(now) : defaultRtt;
      }
      return Double.compare(la, lb);
    }
  }
}
