package io.lbkit.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ManualTickerTest {
  private static final long YEAR = Duration.ofDays(365).toNanos();

  @Test
  void movesOnlyWhenToldAndNeverBackwards() {
    ManualTicker t = new ManualTicker(5);
    assertThat(t.read()).isEqualTo(5);
    assertThat(t.advance(Duration.ofMillis(2))).isEqualTo(2_000_005);
    t.set(3_000_000);
    assertThat(t.read()).isEqualTo(3_000_000);
    assertThatThrownBy(() -> t.set(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("nanos: 1 (expected: at or after the current reading 3000000,"
            + " by at most 365 days)");
    assertThatThrownBy(() -> t.advanceNanos(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("deltaNanos: -1 (expected: >= 0)");
  }

  @Test
  void wrapsPastLongMaxValueAsSystemNanoTimeDoes() {
    ManualTicker t = new ManualTicker(Long.MAX_VALUE - 1);
    assertThat(t.advanceNanos(2)).isEqualTo(Long.MIN_VALUE);
    assertThat(t.advance(Duration.ofNanos(3))).isEqualTo(Long.MIN_VALUE + 3);
    t.set(Long.MIN_VALUE + 10); // later, by the difference of the readings
    assertThat(t.read()).isEqualTo(Long.MIN_VALUE + 10);
    assertThatThrownBy(() -> t.set(Long.MAX_VALUE)) // numerically larger, yet 11 ns earlier
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("nanos: 9223372036854775807 (expected: at or after the current reading"
            + " -9223372036854775798, by at most 365 days)");
  }

  @Test
  void aStepIsAtMostAYear() {
    ManualTicker t = new ManualTicker(Long.MAX_VALUE);
    assertThat(t.advanceNanos(YEAR)).isEqualTo(Long.MAX_VALUE + YEAR);
    t.set(t.read() + YEAR);
    assertThatThrownBy(() -> t.advanceNanos(YEAR + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("deltaNanos: 31536000000000001 (expected: <= 31536000000000000 (365 days))");
    assertThatThrownBy(() -> t.set(t.read() + YEAR + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> t.advance(Duration.ofDays(366)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("delta: PT8784H (expected: <= PT8760H (365 days))");
  }
}
