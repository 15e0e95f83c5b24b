package io.lbkit.strategy;

import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.Strategy;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.Picker;
import io.lbkit.spi.ServerMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Ketama consistent hashing: a ring of points, {@code vnodesPerWeight x weight} per server, and a
 * key goes to the owner of the first point at or after its hash. Removing a server moves only the
 * keys it owned; a pick is one binary search over a sorted {@code long[]}.
 *
 * <p>Write path: the ring is built over the pool's weighted members (or over the candidates when
 * they are under a quarter of those, as inside {@code subset()}), then narrowed to the current
 * candidates by copying the points of available owners. A rebuild caused only by health (same
 * members, same weights) reuses the previous sorted points and owners: no hashing, no sort, one
 * linear copy, or nothing at all when every member is a candidate. Unlike Dubbo (dubbo#4270) the
 * ring is never built on a caller's thread.
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
 * ramp is not applied (key affinity wins).
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

  @Override
  public String toString() {
    return "consistentHash" + config;
  }

  static final class RingPicker implements Picker {
    final RingTable base;
    private final Server[] servers;
    private final ServerMetrics[] metrics;
    private final long[] points;
    /** Index into {@link #servers} (the candidates) of each point's owner. */
    private final int[] owners;
    private final double bound;
    private final RandomSource random;

    RingPicker(RingTable base, Candidates c, double bound) {
      this.base = base;
      int n = c.size();
      this.servers = c.servers().toArray(new Server[0]);
      this.metrics = new ServerMetrics[n];
      Map<String, Integer> index = new HashMap<>(n * 2);
      for (int i = 0; i < n; i++) {
        metrics[i] = c.metrics(i);
        index.put(servers[i].id(), i);
      }
      int[] map = new int[base.members.length];
      int mapped = 0;
      boolean identity = base.members.length == n;
      for (int m = 0; m < map.length; m++) {
        Integer i = index.get(base.members[m].id());
        map[m] = i == null ? -1 : i;
        mapped += i == null ? 0 : 1;
        identity &= i != null && i == m;
      }
      if (identity) {
        points = base.points;
        owners = base.owners;
      } else if (mapped == map.length) {
        points = base.points;
        owners = new int[points.length];
        for (int k = 0; k < owners.length; k++) {
          owners[k] = map[base.owners[k]];
        }
      } else {
        int kept = 0;
        for (int k = 0; k < base.owners.length; k++) {
          kept += map[base.owners[k]] >= 0 ? 1 : 0;
        }
        points = new long[kept];
        owners = new int[kept];
        int j = 0;
        for (int k = 0; k < base.owners.length; k++) {
          int o = map[base.owners[k]];
          if (o >= 0) {
            points[j] = base.points[k];
            owners[j++] = o;
          }
        }
      }
      this.bound = bound;
      this.random = c.random();
    }

    @Override
    public Server pick(Request request) {
      int at = RingTable.locate(points, HashKeys.position(request, random));
      if (bound > 0) {
        return pickBounded(at, request);
      }
      if (!request.hasExclusions()) {
        return servers[owners[at]];
      }
      return walk(at, request);
    }

    private Server walk(int at, Request request) {
      if (HashKeys.excludesAll(servers, request)) {
        return null;
      }
      int p = points.length;
      for (int k = 0, i = at; k < p; k++) {
        Server s = servers[owners[i]];
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
      if (exclusions && HashKeys.excludesAll(servers, request)) {
        return null;
      }
      int n = servers.length;
      int p = points.length;
      long total = -1;
      int firstAllowed = -1;
      for (int k = 0, i = at; k < p; k++) {
        int o = owners[i];
        if (!exclusions || !request.excludes(servers[o])) {
          int load = metrics[o].inFlight();
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

    private long totalInFlight() {
      long sum = 0;
      for (ServerMetrics m : metrics) {
        sum += m.inFlight();
      }
      return sum;
    }

    /** A candidate that owns no point (its weight rounded away) is still better than none. */
    private Server fallback(Request request) {
      int j = HashKeys.nextAllowed(servers, 0, request);
      return j < 0 ? null : servers[j];
    }
  }
}
