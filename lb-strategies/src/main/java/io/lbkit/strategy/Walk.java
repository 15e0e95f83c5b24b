package io.lbkit.strategy;

import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.spi.Candidates;

/**
 * The one exclusion walk every picker falls back on when its first choice was excluded by the
 * request or lost a slow-start draw. Pick-path code: no allocation, no lock.
 *
 * <pre>
 * Rejection sampling ({@link #from}): a candidate is accepted with probability ramp(i); after a
 * rejection (or an excluded candidate) the next proposal is a uniform draw. Proposals are uniform
 * over time (a rotation or a uniform draw), so candidate i ends up with a share proportional to
 * ramp(i): the same share a weighted strategy gives it through weight x ramp, and the traffic a
 * ramping server turns away is spread over all the others instead of landing on its neighbour.
 * After MAX_DRAWS proposals (all servers ramping at the 10% floor need 10 on average) the first
 * candidate the request allows is taken, so the walk always ends and never misses an allowed
 * server.
 * Weighted and keyed pickers, whose weights already hold the ramp or ignore it, skip the draw:
 * they walk on from their choice in candidate order ({@link #allowed}) or along their own table
 * ({@link #alongTable}: a schedule, a Maglev table), then in candidate order.
 * </pre>
 */
final class Walk {
  private static final int MAX_DRAWS = 64;

  private Walk() {}

  /** True when a first choice can be returned as is. */
  static boolean fastPath(Candidates c, Request request) {
    return !request.hasExclusions() && !c.isRamping();
  }

  static Server from(Candidates c, int start, Request request) {
    int n = c.size();
    RandomSource random = c.random();
    int i = start;
    for (int draw = 0; draw < MAX_DRAWS; draw++) {
      Server s = c.server(i);
      if (!request.excludes(s)) {
        double ramp = c.ramp(i);
        if (ramp >= 1.0 || random.nextDouble() < ramp) {
          return s;
        }
      }
      i = random.nextInt(n);
    }
    return allowed(c, start, request);
  }

  /**
   * The first candidate from {@code start} (wrapping) that the request does not exclude, with no
   * slow-start draw. Null when every candidate is excluded.
   */
  static Server allowed(Candidates c, int start, Request request) {
    int i = allowedIndex(c, start, request);
    return i < 0 ? null : c.server(i);
  }

  /** As {@link #allowed}, the candidate's index, or -1. */
  static int allowedIndex(Candidates c, int start, Request request) {
    int n = c.size();
    for (int k = 0; k < n; k++) {
      int i = start + k;
      if (i >= n) {
        i -= n;
      }
      if (!request.excludes(c.server(i))) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The first allowed candidate along {@code table} (candidate indexes) from {@code pos},
   * wrapping, within {@code limit} entries; null when there is none.
   */
  static Server alongTable(Candidates c, int[] table, int pos, int limit, Request request) {
    for (int k = 0, p = pos; k < limit; k++) {
      Server s = c.server(table[p]);
      if (!request.excludes(s)) {
        return s;
      }
      if (++p == table.length) {
        p = 0;
      }
    }
    return null;
  }

  /**
   * True when the request surely excludes every candidate. Cheap to rule out: a request can only
   * exclude them all when it names at least as many servers as there are.
   */
  static boolean excludesAll(Candidates c, Request request) {
    return request.exclusionCount() >= c.size() && allowedIndex(c, 0, request) < 0;
  }
}
