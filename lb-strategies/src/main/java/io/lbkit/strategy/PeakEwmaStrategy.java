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
 * the server has any latency, {@code defaultRtt} (10 ms by default, as Envoy), capped while it
 * warms up as the cold-start rule below says. Ties: a fair coin.
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
 * other, near-ties, need the exp(). A torn read of (E, s) while a completion updates them can
 * skew one comparison, never more.
 * Cold start: a server still warming up ({@link ServerLoad#isWarm}: fewer than 10 latency
 *   samples, which are averaged without peaks) is assumed no slower than the server it is
 *   compared with: its latency is min(its own, or defaultRtt before any sample; the other's).
 *   Against a faster server in-flight calls decide, so a slow first call (a JIT or a cache
 *   warming up) cannot starve it of the calls that would show it fast; against a slower one its
 *   own figure counts. Only then is the ticker read: while a server has from one to nine samples.
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

    @Override
    LoadPicker twin(Candidates c, boolean exact) {
      return new PeakEwmaPicker(c, (long) defaultRtt);
    }

    @Override
    String costText(int i) {
      ServerLoad m = loads[i];
      String latency = m.hasLatency() ? "latency " + Explain.millis(m.ewmaLatencyNanos(ticker.read()))
          : "default RTT " + Explain.millis(defaultRtt);
      return latency + " x (in-flight " + m.inFlight() + " + 1) = " + Explain.millis(cost(i))
          + (m.isWarm() ? "" : " (warming up: taken as no slower than the server it is compared"
              + " with)");
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
      boolean wa = a.isWarm();
      boolean wb = b.isWarm();
      if (wa && wb) {
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
      } else if (a.hasLatency() || b.hasLatency()) {
        // warming up: assumed no slower than the other, so its first samples cannot starve it
        long now = ticker.read();
        double ea = a.hasLatency() ? a.ewmaLatencyNanos(now) : defaultRtt;
        double eb = b.hasLatency() ? b.ewmaLatencyNanos(now) : defaultRtt;
        if (!wa) {
          ea = Math.min(ea, eb);
        }
        if (!wb) {
          eb = Math.min(eb, ea);
        }
        la *= ea;
        lb *= eb;
      } // neither has a latency yet: the default on both sides, so in-flight decides
      return Double.compare(la, lb);
    }
  }
}
