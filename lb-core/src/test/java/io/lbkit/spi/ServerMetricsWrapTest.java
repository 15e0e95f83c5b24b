package io.lbkit.spi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Ticker readings wrap past Long.MAX_VALUE (System.nanoTime may): only differences count. */
class ServerMetricsWrapTest {
  private static final long MS = 1_000_000L;
  private static final long TAU = 10_000 * MS;

  /** The same calls at the same offsets from {@code origin}; the EWMA read 3 s after the last. */
  private static double ewmaAfterCalls(long origin) {
    ServerMetrics m = new ServerMetrics("a", origin, TAU);
    m.observeLatency(100 * MS, origin);
    m.observeLatency(20 * MS, origin + 2_000 * MS);
    m.observeLatency(20 * MS, origin + 4_000 * MS);
    assertThat(m.ewmaStampNanos()).isEqualTo(origin + 4_000 * MS);
    return m.ewmaLatencyNanos(origin + 7_000 * MS);
  }

  @Test
  void thePeakEwmaDecaysTheSameWhereverTheTickerStarted() {
    double expected = ewmaAfterCalls(0);
    assertThat(ewmaAfterCalls(Long.MAX_VALUE - 1_000 * MS)).isEqualTo(expected); // wraps at +1 s
    assertThat(ewmaAfterCalls(Long.MIN_VALUE)).isEqualTo(expected);
  }
}
