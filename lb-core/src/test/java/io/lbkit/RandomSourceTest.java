package io.lbkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RandomSourceTest {

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
