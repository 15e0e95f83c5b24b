package io.lbkit.strategy;

import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.spi.Candidates;

/**
 * The slow path shared by pickers whose first choice was excluded by the request or lost a
 * slow-start draw.
 *
 * <pre>
 * Rejection sampling: a candidate is accepted with probability ramp(i); after a rejection (or an
 * excluded candidate) the next proposal is a uniform draw. Proposals are uniform over time (a
 * rotation or a uniform draw), so candidate i ends up with a share proportional to ramp(i): the
 * same share a weighted strategy gives it through weight x ramp, and the traffic a ramping server
 * turns away is spread over all the others instead of landing on its neighbour. After MAX_DRAWS
 * proposals (all servers ramping at the 10% floor need 10 on average) the first candidate the
 * request allows is taken, so the walk always ends and never misses an allowed server.
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
   * slow-start draw: for weighted pickers, whose weights already include the ramp. Null when
   * every candidate is excluded.
   */
  static Server allowed(Candidates c, int start, Request request) {
    int n = c.size();
    for (int k = 0; k < n; k++) {
      int i = start + k;
      if (i >= n) {
        i -= n;
      }
      Server s = c.server(i);
      if (!request.excludes(s)) {
        return s;
      }
    }
    return null;
  }
}
