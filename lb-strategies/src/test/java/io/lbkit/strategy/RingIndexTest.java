package io.lbkit.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.RandomSource;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RingIndexTest {

  @Test
  void agreesWithBinarySearchForEveryRingSizeAndProbe() {
    RandomSource rnd = RandomSource.seeded(9);
    for (int p : new int[] {1, 2, 3, 7, 160, 1600, 100_000}) {
      long[] points = new long[p];
      for (int i = 0; i < p; i++) {
        points[i] = rnd.nextLong();
      }
      Arrays.sort(points);
      RingIndex index = new RingIndex(points);
      for (int k = 0; k < 20_000; k++) {
        long h = rnd.nextLong();
        assertThat(index.locate(h)).as("p=%d h=%d", p, h).isEqualTo(RingTable.locate(points, h));
      }
      for (long h : new long[] {Long.MIN_VALUE, Long.MAX_VALUE, 0L, points[0], points[p - 1],
          points[p - 1] + 1, points[p / 2]}) {
        assertThat(index.locate(h)).as("p=%d h=%d", p, h).isEqualTo(RingTable.locate(points, h));
      }
    }
  }

  @Test
  void clusteredPointsFallBackToBinarySearch() {
    long[] points = new long[64];
    for (int i = 0; i < points.length; i++) {
      points[i] = 1000L + i * 3; // all in one bucket
    }
    RingIndex index = new RingIndex(points);
    assertThat(index.locate(1000L + 100)).isEqualTo(34);
    assertThat(index.locate(1000L + 3 * 63 + 1)).isZero();
    assertThat(index.locate(Long.MIN_VALUE)).isZero();
  }
}
