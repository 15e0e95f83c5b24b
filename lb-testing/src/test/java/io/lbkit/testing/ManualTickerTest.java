package io.lbkit.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ManualTickerTest {

  @Test
  void movesOnlyWhenToldAndNeverBackwards() {
    ManualTicker t = new ManualTicker(5);
    assertThat(t.read()).isEqualTo(5);
    assertThat(t.advance(Duration.ofMillis(2))).isEqualTo(2_000_005);
    t.set(3_000_000);
    assertThat(t.read()).isEqualTo(3_000_000);
    assertThatThrownBy(() -> t.set(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("nanos: 1 (expected: >= current reading 3000000)");
    assertThatThrownBy(() -> t.advanceNanos(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("deltaNanos: -1 (expected: >= 0)");
  }
}
