package io.lbkit.failover;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WarnLimiterTest {
  private static final long INTERVAL = 30_000_000_000L;

  @Test
  void writesTheFirstThenOneLinePerIntervalWithTheCountInBetween() {
    WarnLimiter limiter = new WarnLimiter(INTERVAL);
    long t = 5;
    assertThat(limiter.tryWrite(t)).isZero();
    int written = 0;
    for (int i = 0; i < 1000; i++) {
      if (limiter.tryWrite(t + i) >= 0) {
        written++;
      }
    }
    assertThat(written).isZero();
    assertThat(limiter.tryWrite(t + INTERVAL)).isEqualTo(1000);
    assertThat(limiter.tryWrite(t + INTERVAL + 1)).isEqualTo(-1);
    assertThat(limiter.tryWrite(t + 2 * INTERVAL)).isEqualTo(1);
  }

  @Test
  void aTickerThatWrapsOrStartsNegativeStillLimits() {
    WarnLimiter limiter = new WarnLimiter(INTERVAL);
    long start = Long.MAX_VALUE - 10;
    assertThat(limiter.tryWrite(start)).isZero();
    assertThat(limiter.tryWrite(start + 20)).isEqualTo(-1); // wrapped, 20 ns later
    assertThat(limiter.tryWrite(start + INTERVAL)).isEqualTo(1);

    WarnLimiter fromMin = new WarnLimiter(INTERVAL);
    assertThat(fromMin.tryWrite(Long.MIN_VALUE)).isZero();
    assertThat(fromMin.tryWrite(Long.MIN_VALUE + 1)).isEqualTo(-1);
  }
}
