package io.lbkit.strategy;

import io.lbkit.Fleet;

/**
 * One client's window on the ring of servers, for a fleet spreading over them (deterministic
 * aperture, as Finagle's balancers do with their peer set): which servers the client uses and how
 * much of each. A pure function of the server count, the subset size and the fleet position.
 *
 * <pre>
 * The ring is [0, 1). B servers, sorted by id, sit on it in order, server i on [i/B, (i+1)/B).
 * C clients: client c's window starts at c/C. Its width is
 *     w = max(size/B, 1/C), rounded UP to a whole number k of client units 1/C, at most 1:
 *     k = min(C, max(1, ceil(size * C / B))),  w = k/C.
 * Coverage: windows start at every multiple of 1/C and are k units of 1/C wide, so every point of
 *   the ring lies in exactly k windows (a width that is not a whole multiple of 1/C would leave
 *   some points under k and some under k+1 clients: the load would only be near equal).
 * Shares: the client's subset is the servers its window overlaps; server i's share is its overlap
 *   times B (a server wholly inside counts 1.0). Picking with weight proportional to the share,
 *   the client sends server i overlap_i / w of its calls.
 * Load: server i receives the sum over clients of overlap_i / w = (k/B) / (k/C) = C/B calls per
 *   client call, the same for every server: exactly equal, for every B, C and size.
 * Size: a window k/C wide overlaps at most ceil(w B) + 1 servers (the ends may fall inside two
 *   servers), and at least size servers when size <= B.
 * Exactness: positions are integers on a ring of B x C units (a server spans C units, a client
 *   step B units), so overlaps are whole numbers and no sliver of float error can enter the
 *   subset; a share is overlap / C, one rounding.
 * </pre>
 */
final class Aperture {
  /** Indexes into the sorted server list, in ring order from the window's start. */
  final int[] servers;
  /** The share of each, in (0, 1], same order. */
  final double[] shares;

  private Aperture(int[] servers, double[] shares) {
    this.servers = servers;
    this.shares = shares;
  }

  /** {@return the number of client units (1/C) the window spans} */
  static long units(int servers, int size, int count) {
    long k = ((long) size * count + servers - 1) / servers; // ceil(size C / B)
    return Math.min(count, Math.max(1, k));
  }

  /**
   * The window of client {@code position} over {@code servers} sorted servers.
   *
   * @param servers B, at least 1
   * @param size the wanted subset size, at least 1
   * @param position the client's index and the fleet's size
   */
  static Aperture of(int servers, int size, Fleet.Position position) {
    int b = servers;
    long c = position.count();
    long units = units(servers, size, position.count());
    if (units == c) { // the whole ring: every server wholly
      int[] all = new int[b];
      double[] ones = new double[b];
      for (int i = 0; i < b; i++) {
        all[i] = i;
        ones[i] = 1.0;
      }
      return new Aperture(all, ones);
    }
    long width = units * b;
    long start = position.index() * (long) b;
    long first = start / c; // the server the window starts in
    // With more clients than servers a window may end inside the server it started in (its
    // head, after the wrap): both pieces add to that one server's overlap.
    long[] overlap = new long[b];
    for (long j = first; j * c < start + width; j++) {
      long lo = j * c; // server j mod B, unrolled past the ring's end where the window wraps
      overlap[(int) (j % b)] += Math.min(lo + c, start + width) - Math.max(lo, start);
    }
    int n = 0;
    for (long o : overlap) {
      n += o > 0 ? 1 : 0;
    }
    int[] ids = new int[n];
    double[] shares = new double[n];
    int k = 0;
    for (int j = 0; j < b; j++) {
      int i = (int) ((first + j) % b);
      if (overlap[i] > 0) {
        ids[k] = i;
        shares[k] = (double) overlap[i] / c;
        k++;
      }
    }
    return new Aperture(ids, shares);
  }
}
