package io.lbkit.strategy;

import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.Picker;

/**
 * A picker that walks a precomputed cycle of candidate indices with the calling thread's cursor
 * ({@link Stripes}): O(1), lock-free, no allocation. Weighted round robin (smooth cycle) and ORCA
 * weighted round robin (static-stride cycle) differ only in how the write path builds the cycle.
 *
 * <p>Exclusions: the entries after the cursor's position are tried in cycle order (weights still
 * honoured), then, past {@link #SCAN_LIMIT} entries, the first allowed candidate.
 */
abstract class CyclePicker implements Picker {
  static final int SCAN_LIMIT = 64;

  final Candidates candidates;
  final Server[] servers;
  final int[] schedule;
  final Stripes stripes;

  CyclePicker(Candidates candidates, int[] schedule, Stripes stripes) {
    this.candidates = candidates;
    this.servers = candidates.servers().toArray(new Server[0]);
    this.schedule = schedule;
    this.stripes = stripes;
  }

  @Override
  public final Server pick(Request request) {
    int[] sch = schedule;
    int pos = stripes.next(sch.length);
    Server s = servers[sch[pos]];
    return request.hasExclusions() ? excluding(pos, request) : s;
  }

  private Server excluding(int pos, Request request) {
    int[] sch = schedule;
    Server s = Walk.alongTable(candidates, sch, pos, Math.min(sch.length, SCAN_LIMIT), request);
    return s != null ? s : Walk.allowed(candidates, sch[pos], request);
  }

  /** How many of the cycle's slots each candidate holds. */
  final int[] slotsPerCandidate() {
    int[] slots = new int[servers.length];
    for (int c : schedule) {
      slots[c]++;
    }
    return slots;
  }
}
