package io.lbkit.strategy;

import io.lbkit.RandomSource;
import io.lbkit.Request;

/**
 * Helpers shared by the hash-family pickers (key hash, ring, Maglev, rendezvous). All of them are
 * pick-path code: no allocation, no lock. Their exclusion walks are {@link Walk}'s.
 */
final class HashKeys {
  private HashKeys() {}

  /**
   * The 64-bit position a request hashes to. A request without a key gets a random position, so
   * keyless calls spread like {@code random()} (weighted where the table is weighted), as Envoy's
   * and gRPC's ring hash do when no hash policy produces a key.
   */
  static long position(Request request, RandomSource random) {
    return request.hasKey() ? request.keyHash() : random.nextLong();
  }

  /**
   * Lemire's multiply-high reduction of the top 32 bits of {@code h} onto {@code [0, n)}: as fast
   * as a mask, no division, and unbiased to within 1/2^32 for any {@code n < 2^31}.
   */
  static int reduce(long h, int n) {
    return Draw.index(h >>> 32, n);
  }
}
