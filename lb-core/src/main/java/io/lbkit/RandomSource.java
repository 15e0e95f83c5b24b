package io.lbkit;

import io.lbkit.internal.SeededRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where every random decision in lbkit comes from. Production uses {@link #threadLocal()};
 * tests use {@link #seeded(long)} so that a run is exactly repeatable. Implementations must be
 * safe for concurrent use and must not allocate.
 */
public interface RandomSource {

  /**
   * A uniform int in {@code [0, bound)}.
   *
   * @param bound the exclusive upper bound, {@code > 0}
   * @return the value
   * @throws IllegalArgumentException if {@code bound <= 0}
   */
  int nextInt(int bound);

  /** {@return a uniform long over all 2^64 values} */
  long nextLong();

  /** {@return a uniform double in {@code [0, 1)}} */
  double nextDouble();

  /**
   * A source that continues this one's sequence on its own: its values are the ones this source
   * would give next, and drawing from either leaves the other as it was. {@link Selector#explain}
   * uses it to make the pick {@code choose()} would make, without making it. Allocates: never on
   * the pick path.
   *
   * @return the copy, or null (the default) when the sequence cannot be copied, as the
   *     thread-local source's cannot
   */
  default RandomSource copy() {
    return null;
  }

  /**
   * The source backed by {@link ThreadLocalRandom}: fast and contention-free, not repeatable.
   *
   * @return the shared instance
   */
  static RandomSource threadLocal() {
    return ThreadLocalSource.INSTANCE;
  }

  /**
   * A repeatable source: the same seed and the same order of calls give the same values.
   * Thread-safe (one atomic state), so concurrent callers still get distinct values.
   *
   * @param seed the start of the sequence
   * @return a new source
   */
  static RandomSource seeded(long seed) {
    return new SeededRandom(seed);
  }
}

enum ThreadLocalSource implements RandomSource {
  INSTANCE;

  @Override
  public int nextInt(int bound) {
    return ThreadLocalRandom.current().nextInt(bound);
  }

  @Override
  public long nextLong() {
    return ThreadLocalRandom.current().nextLong();
  }

  @Override
  public double nextDouble() {
    return ThreadLocalRandom.current().nextDouble();
  }
}
