package io.lbkit.strategy;

import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.spi.Candidates;

/**
 * The slow path shared by pickers whose first choice was excluded by the request or lost a
 * slow-start draw: walk the candidates from that index and take the first that the request allows
 * and that passes its ramp draw, falling back to the first allowed one if every draw fails.
 */
final class Walk {
  private Walk() {}

  /** True when a first choice can be returned as is. */
  static boolean fastPath(Candidates c, Request request) {
    return !request.hasExclusions() && !c.isRamping();
  }

  static Server from(Candidates c, int start, Request request) {
    int n = c.size();
    int firstAllowed = -1;
    for (int k = 0; k < n; k++) {
      int i = start + k;
      if (i >= n) {
        i -= n;
      }
      Server s = c.server(i);
      if (request.excludes(s)) {
        continue;
      }
      if (firstAllowed < 0) {
        firstAllowed = i;
      }
      double ramp = c.ramp(i);
      if (ramp >= 1.0 || c.random().nextDouble() < ramp) {
        return s;
      }
    }
    return firstAllowed < 0 ? null : c.server(firstAllowed);
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
