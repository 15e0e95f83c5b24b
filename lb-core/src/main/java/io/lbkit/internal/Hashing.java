package io.lbkit.internal;

/**
 * 64-bit hashing for keys and ring points, written for lbkit: a murmur3-style finaliser for
 * longs and a seeded, allocation-free hash over a String's chars. Stable across JVMs and
 * releases, so clients that hash the same key agree on its server.
 */
public final class Hashing {
  /** The fixed seed of {@link #hash64(CharSequence)}; changing it remaps every key. */
  public static final long DEFAULT_SEED = 0x6C62_6B69_745F_6C62L;

  private static final long M1 = 0xBF58476D1CE4E5B9L;
  private static final long M2 = 0x94D049BB133111EBL;
  private static final long K = 0x9E3779B97F4A7C15L;

  private Hashing() {}

  /**
   * A bijective 64-bit mixer (the SplitMix64 / murmur3 fmix64 family): every input bit
   * avalanches.
   *
   * @param z the input
   * @return the mixed value
   */
  public static long mix64(long z) {
    z = (z ^ (z >>> 30)) * M1;
    z = (z ^ (z >>> 27)) * M2;
    return z ^ (z >>> 31);
  }

  /**
   * Hashes a long key with a seed.
   *
   * @param key the key
   * @param seed the seed; {@link #DEFAULT_SEED} for request keys
   * @return the 64-bit hash
   */
  public static long hash64(long key, long seed) {
    return mix64(key * K + seed);
  }

  /**
   * Hashes a string with {@link #DEFAULT_SEED}: what {@code Request.withKey(String)} uses.
   *
   * @param s the string
   * @return the 64-bit hash
   */
  public static long hash64(CharSequence s) {
    return hash64(s, DEFAULT_SEED);
  }

  /**
   * Hashes a string's UTF-16 chars, four at a time into 64-bit words, each word mixed into the
   * state with a multiply-rotate step and the length folded in at the end. No allocation.
   *
   * @param s the string
   * @param seed the seed
   * @return the 64-bit hash
   */
  public static long hash64(CharSequence s, long seed) {
    int n = s.length();
    long h = seed ^ (n * K);
    int i = 0;
    for (; i + 4 <= n; i += 4) {
      long w = s.charAt(i)
          | ((long) s.charAt(i + 1) << 16)
          | ((long) s.charAt(i + 2) << 32)
          | ((long) s.charAt(i + 3) << 48);
      h = Long.rotateLeft(h ^ mix64(w), 27) * K + 0x52DCE729L;
    }
    if (i < n) {
      long w = 0;
      for (int shift = 0; i < n; i++, shift += 16) {
        w |= (long) s.charAt(i) << shift;
      }
      h = Long.rotateLeft(h ^ mix64(w), 31) * K;
    }
    return mix64(h ^ n);
  }
}
