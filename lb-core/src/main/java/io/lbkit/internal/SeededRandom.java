package io.lbkit.internal;

import io.lbkit.RandomSource;
import java.util.concurrent.atomic.AtomicLong;

/**
 * SplitMix64 over one atomic counter: repeatable for a given seed and call order, lock-free and
 * safe to share between threads.
 */
public final class SeededRandom implements RandomSource {
  private static final long GAMMA = 0x9E3779B97F4A7C15L;
  private final AtomicLong state;

  /**
   * A source whose sequence is fixed by {@code seed}.
   *
   * @param seed the start of the sequence
   */
  public SeededRandom(long seed) {
    this.state = new AtomicLong(seed);
  }

  /** The same state: the copy repeats what this source gives next. */
  @Override
  public RandomSource copy() {
    return new SeededRandom(state.get());
  }

  @Override
  public long nextLong() {
    return Hashing.mix64(state.addAndGet(GAMMA));
  }

  @Override
  public int nextInt(int bound) {
    Checks.argument(bound > 0, "bound", bound, "> 0");
    // Lemire's multiply-shift: unbiased enough for 31-bit bounds from a 64-bit draw.
    long r = nextLong() >>> 32;
    return (int) ((r * bound) >>> 32);
  }

  @Override
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }
}
