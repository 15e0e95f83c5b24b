package io.lbkit;

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

  @Test
  void seededRandomIsRepeatable() {
    RandomSource r1 = RandomSource.seeded(7);
    RandomSource r2 = RandomSource.seeded(7);
    for (int i = 0; i < 100; i++) {
      assertThat(r1.nextInt(1000)).isEqualTo(r2.nextInt(1000));
    }
    assertThat(RandomSource.seeded(7).nextLong()).isNotEqualTo(RandomSource.seeded(8).nextLong());
    assertThatThrownBy(() -> r1.nextInt(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bound: 0 (expected: > 0)");
  }
}
