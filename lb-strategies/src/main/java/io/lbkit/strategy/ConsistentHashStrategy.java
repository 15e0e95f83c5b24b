package io.lbkit.strategy;

import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.Strategy;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.PickReport;
import io.lbkit.spi.Picker;
import io.lbkit.spi.ServerLoad;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Ketama consistent hashing: a ring of points, {@code vnodesPerWeight x weight} per server, and a
 * key goes to the owner of the first point at or after its hash. Removing a server moves only the
 * keys it owned. A pick reads one bucket of a {@link RingIndex} and one or two entries of the
 * sorted {@code long[]} of points, whose low bits carry the owner (see {@link RingTable}).
 *
 * <p>Write path: the ring is built over the pool's weighted members (or over the candidates when
 * they are under a quarter of those, as inside {@code subset()}), then narrowed to the current
 * candidates by copying the points of available owners. A rebuild caused only by health (same
 * members, same weights) reuses the previous sorted points: no hashing, no sort, one linear copy
 * (none at all when every member is a candidate) and the bucket index. Unlike Dubbo
 * (dubbo#4270) the ring is never built on a caller's thread.
 *
 * <p>Bounded loads (Mirrokni et al. 2016), when configured with factor c: a server is taken only
 * while its in-flight count is below {@code ceil(c x (total + 1) / n)}, total being the in-flight
 * calls over the n candidates and +1 the call about to start; otherwise the walk goes clockwise to
 * the next owner under its bound. Since the mean is below the bound, some server always qualifies,
 * and after the call starts no server holds more than {@code ceil(c x mean)}. An idle first owner
 * is taken at once; otherwise the pick sums the candidates' in-flight counts (O(n) volatile reads,
 * no allocation), the price of the bound.
 *
 * <p>No key: a random position. Exclusions: the walk passes over excluded owners. The slow-start
 * ramp is not applied (key affinity wins; {@link #usesRamp()} is false).
 */
final class ConsistentHashStrategy implements Strategy {
  private final ConsistentHashConfig config;

  ConsistentHashStrategy(ConsistentHashConfig config) {
    this.config = config;
  }

  @Override
  public Picker newPicker(Candidates candidates, Picker previous) {
    int vnodes = config.vnodesPerWeight();
    Server[] members = members(candidates);
    RingTable base = previous instanceof RingPicker
        && ((RingPicker) previous).base.sameMembers(members, vnodes)
        ? ((RingPicker) previous).base
        : null;
    if (base == null) {
      base = RingTable.build(members, vnodes);
    }
    return new RingPicker(base, candidates, config.boundedLoad());
  }

  /** The pool's weighted members, unless the candidates are a small part of them. */
  private static Server[] members(Candidates c) {
    List<Server> weighted = new ArrayList<>(c.pool().size());
    for (Server s : c.pool().servers()) {
      if (s.weight() > 0) {
        weighted.add(s);
      }
    }
    if ((long) c.size() * 4 < weighted.size()) {
      return c.servers().toArray(new Server[0]);
    }
    Map<String, Server> byId = new HashMap<>(weighted.size() * 2);
    for (Server s : weighted) {
      byId.put(s.id(), s);
    }
    for (int i = 0; i < c.size(); i++) {
      if (!c.server(i).equals(byId.get(c.server(i).id()))) {
        return c.servers().toArray(new Server[0]); // a candidate the pool does not hold as is
      }
    }
    return weighted.toArray(new Server[0]);
  }

  ConsistentHashConfig config() {
    return config;
  }

  /** The ring follows configured weights only (bounded loads read in-flight counts, not ramps). */
  @Override
  public boolean usesRamp() {
    return false;
  }

  @Override
  public String toString() {
    return "consistentHash" + config;
  }

  static final class RingPicker implements Picker {
    final RingTable base;
    private final Candidates candidates;
    private final Server[] servers;
    private final ServerLoad[] loads;
    /** Sorted ring points; low bits (under {@link #mask}) hold the owner's candidate index. */
    private final long[] points;
    private final long mask;
    private final RingIndex index;
    private final double bound;
    private final RandomSource random;

    RingPicker(RingTable base, Candidates c, double bound) {
      this.base = base;
      this.candidates = c;
      int n = c.size();
      this.servers = c.servers().toArray(new Server[0]);
      this.loads = new ServerLoad[n];
      Map<String, Integer> byId = new HashMap<>(n * 2);
      for (int i = 0; i < n; i++) {
        loads[i] = c.load(i);
        byId.put(servers[i].id(), i);
      }
      long mask = base.mask;
      int[] map = new int[base.members.length];
      int mapped = 0;
      boolean identity = base.members.length == n;
      for (int m = 0; m < map.length; m++) {
        Integer i = byId.get(base.members[m].id());
        map[m] = i == null ? -1 : i;
        mapped += i == null ? 0 : 1;
        identity &= i != null && i == m;
      }
      long[] from = base.points;
      if (identity) {
        points = from;
      } else {
        int kept = from.length;
        if (mapped != map.length) {
          kept = 0;
          for (long pt : from) {
            kept += map[(int) (pt & mask)] >= 0 ? 1 : 0;
          }
        }
        // Candidate indexes never exceed member indexes' range, so they fit the same mask.
        points = new long[kept];
        int j = 0;
        for (long pt : from) {
          int o = map[(int) (pt & mask)];
          if (o >= 0) {
            points[j++] = (pt & ~mask) | o;
          }
        }
      }
      this.mask = mask;
      this.index = new RingIndex(points);
      this.bound = bound;
      this.random = c.random();
    }

    /** {@code from}'s ring over {@code c} (the same candidates, another random): a copy. */
    private RingPicker(RingPicker from, Candidates c) {
      this.base = from.base;
      this.candidates = c;
      this.servers = from.servers;
      this.loads = from.loads;
      this.points = from.points;
      this.mask = from.mask;
      this.index = from.index;
      this.bound = from.bound;
      this.random = c.random();
    }

    @Override
    public Server pick(Request request) {
      int at = index.locate(HashKeys.position(request, random) & ~mask);
      if (bound > 0) {
        return pickBounded(at, request);
      }
      if (!request.hasExclusions()) {
        return servers[(int) (points[at] & mask)];
      }
      return walk(at, request);
    }

    private Server walk(int at, Request request) {
      if (Walk.excludesAll(candidates, request)) {
        return null;
      }
      int p = points.length;
      for (int k = 0, i = at; k < p; k++) {
        Server s = servers[(int) (points[i] & mask)];
        if (!request.excludes(s)) {
          return s;
        }
        if (++i == p) {
          i = 0;
        }
      }
      return fallback(request);
    }

    private Server pickBounded(int at, Request request) {
      boolean exclusions = request.hasExclusions();
      if (exclusions && Walk.excludesAll(candidates, request)) {
        return null;
      }
      int n = servers.length;
      int p = points.length;
      long total = -1;
      int firstAllowed = -1;
      for (int k = 0, i = at; k < p; k++) {
        int o = (int) (points[i] & mask);
        if (!exclusions || !request.excludes(servers[o])) {
          int load = loads[o].inFlight();
          if (load == 0) {
            return servers[o];
          }
          if (total < 0) {
            total = totalInFlight();
          }
          // load < ceil(c (total+1) / n)  <=>  load < c (total+1) / n, load being an integer.
          if ((double) load * n < bound * (total + 1)) {
            return servers[o];
          }
          if (firstAllowed < 0) {
            firstAllowed = o;
          }
        }
        if (++i == p) {
          i = 0;
        }
      }
      // Every server under its bound is excluded: the first allowed owner takes the call.
      return firstAllowed >= 0 ? servers[firstAllowed] : fallback(request);
    }

    @Override
    public Picker copy(RandomSource random) {
      return new RingPicker(this, candidates.withRandom(random));
    }

    @Override
    public void describe(Request request, Server chosen, PickReport report) {
      Server owner = request.hasKey()
          ? servers[(int) (points[index.locate(request.keyHash() & ~mask)] & mask)] : null;
      long total = totalInFlight();
      int n = servers.length;
      for (int i = 0; i < n; i++) {
        String bounded = bound <= 0 ? "" : ", in-flight " + loads[i].inFlight() + " (taken while"
            + " below " + Explain.num(bound * (total + 1) / n) + ")";
        report.score(servers[i], "weight " + candidates.weight(i) + bounded
            + (servers[i].equals(owner) ? ", owner of the key's ring point" : ""));
      }
      if (!request.hasKey()) {
        report.note("no key: a random ring point");
      }
    }

    private long totalInFlight() {
      long sum = 0;
      for (ServerLoad m : loads) {
        sum += m.inFlight();
      }
      return sum;
    }

    /** A candidate that owns no point (its weight rounded away) is still better than none. */
    private Server fallback(Request request) {
      return Walk.allowed(candidates, 0, request);
    }
  }
}
