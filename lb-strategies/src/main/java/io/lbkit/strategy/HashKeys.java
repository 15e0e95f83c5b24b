package io.lbkit.strategy;

import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;

/**
 * Helpers shared by the hash-family pickers (key hash, ring, Maglev, rendezvous). All of them are
 * pick-path code: no allocation, no lock.
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
    return (int) (((h >>> 32) * n) >>> 32);
  }

  /** The first server from {@code start} (inclusive, wrapping) that the request allows, or -1. */
  static int nextAllowed(Server[] servers, int start, Request request) {
    int n = servers.length;
    for (int k = 0; k < n; k++) {
      int i = start + k;
      if (i >= n) {
        i -= n;
      }
      if (!request.excludes(servers[i])) {
        return i;
      }
    }
    return -1;
  }

  /**
   * True when the request surely excludes every server. Cheap to rule out: a request can only
   * exclude them all when it names at least as many servers as there are.
   */
  static boolean excludesAll(Server[] servers, Request request) {
    return request.exclusionCount() >= servers.length && nextAllowed(servers, 0, request) < 0;
  }
}
