package io.lbkit.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The window's counts in the interleavings a race can produce, replayed on one thread. */
class ThroughputWindowTest {
  private static final long S = 1_000_000_000L;

  /**
   * Two calls of a young server end together: both are counted (the cumulative count is 2)
   * before either records, so the first to record reads 2. Both must be in the window, as the
   * server has no bucket before its first one for a call to slip into.
   */
  @Test
  void aYoungServersRacingCallsAreAllCounted() {
    ThroughputWindow w = new ThroughputWindow(10 * S, 0L, 0L);
    w.record(4 * S, 2);
    w.record(4 * S, 2);

    assertThat(w.perSecond(5 * S, 2)).isCloseTo(2 / 5.0, within(1e-12));
  }

  /** A returning server's counters kept what it completed before: that is not its throughput. */
  @Test
  void callsCompletedBeforeTheWindowWasMadeAreNotCounted() {
    ThroughputWindow w = new ThroughputWindow(10 * S, 0L, 100L);
    w.record(S, 101);

    assertThat(w.perSecond(2 * S, 101)).isCloseTo(1 / 2.0, within(1e-12));
  }
}
