package io.lbkit.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.RandomSource;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RingTableTest {

  @Test
  void hashSortMatchesArraysSortOnUniformInput() {
    RandomSource rnd = RandomSource.seeded(11);
    for (int n : new int[] {0, 1, 63, 64, 65, 1000, 160_000}) {
      long[] a = new long[n];
      for (int i = 0; i < n; i++) {
        a[i] = rnd.nextLong();
      }
      long[] expected = a.clone();
      Arrays.sort(expected);
      RingTable.sortHashed(a);
      assertThat(a).as("n=%d", n).isEqualTo(expected);
    }
  }

  @Test
  void hashSortMatchesArraysSortOnClusteredAndExtremeInput() {
    RandomSource rnd = RandomSource.seeded(12);
    long[] a = new long[10_000];
    for (int i = 0; i < a.length; i++) {
      // Half clustered near zero (a few buckets), plus extremes and duplicates.
      a[i] = i % 2 == 0 ? rnd.nextInt(1000) - 500 : rnd.nextLong();
    }
    a[0] = Long.MIN_VALUE;
    a[1] = Long.MAX_VALUE;
    a[2] = Long.MAX_VALUE;
    long[] expected = a.clone();
    Arrays.sort(expected);
    RingTable.sortHashed(a);
    assertThat(a).isEqualTo(expected);
  }
}
