package io.lbkit.strategy;

/**
 * Turning one 64-bit random draw into the few small choices a pick needs, without division and
 * without asking the random source twice.
 *
 * <pre>
 * index(bits, n)   = floor(u * n / 2^32) for the 32-bit word u (Lemire's multiply-shift): uniform
 *                    up to a bias of at most n / 2^32 per index, far below what 10^6 picks detect.
 * Two distinct choices from r: a = index(high 32 bits, n); b from the low 31 bits over n - 1
 *                    slots, shifted past a (b >= a -> b + 1), so b != a and, given a, b is uniform
 *                    over the other n - 1. Bit 31 is left over as a fair coin for ties.
 * </pre>
 */
final class Draw {
  private Draw() {}

  /** Uniform in {@code [0, n)} from the low 32 bits of {@code bits}. */
  static int index(long bits, int n) {
    return (int) (((bits & 0xFFFF_FFFFL) * n) >>> 32);
  }

  /** The first of two distinct choices in {@code [0, n)}. */
  static int first(long r, int n) {
    return index(r >>> 32, n);
  }

  /** The second choice, distinct from {@code first}; {@code n >= 2}. */
  static int second(long r, int n, int first) {
    int b = (int) (((r & 0x7FFF_FFFFL) * (n - 1)) >>> 31);
    return b >= first ? b + 1 : b;
  }

  /** A fair coin independent of {@link #first} and {@link #second}. */
  static boolean coin(long r) {
    return (r & 0x8000_0000L) != 0;
  }

  /** One xorshift64 step: cheap extra bits derived from a draw, for reservoir tie-breaking. */
  static long next(long x) {
    x ^= x << 13;
    x ^= x >>> 7;
    x ^= x << 17;
    return x;
  }
}
