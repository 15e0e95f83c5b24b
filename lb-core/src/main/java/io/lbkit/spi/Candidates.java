package io.lbkit.spi;

import io.lbkit.NoServerAvailableException;
import io.lbkit.PoolSnapshot;
import io.lbkit.RandomSource;
import io.lbkit.Server;
import io.lbkit.Ticker;
import io.lbkit.internal.Checks;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * The servers a picker may choose from, compiled on the write path from a pool snapshot and the
 * health state: drained (weight 0) and unavailable servers are already left out. Immutable.
 *
 * <p>Index {@code i} addresses the same server in {@link #server}, {@link #load} and {@link
 * #ramp}. Pickers see each server's load through the read-only {@link ServerLoad}: the counters
 * are the tracker's to write. The ramp is a factor in (0, 1] on the server's share of traffic:
 * weighted strategies multiply it into the weight, unweighted ones accept a pick with that
 * probability. It carries the slow-start step (from the tracker) and, under a subset, the part of
 * the server inside this client's share of the ring ({@link #scaleRamp}), multiplied together.
 * When every factor is 1, {@link #isRamping()} is false.
 */
public final class Candidates {
  private final PoolSnapshot pool;
  private final Server[] servers;
  private final ServerLoad[] loads;
  private final double[] ramp;
  private final NoServerAvailableException.Reason reasonIfEmpty;
  private final RandomSource random;
  private final Ticker ticker;

  private Candidates(PoolSnapshot pool, Server[] servers, ServerLoad[] loads, double[] ramp,
      NoServerAvailableException.Reason reasonIfEmpty, RandomSource random, Ticker ticker) {
    this.pool = pool;
    this.servers = servers;
    this.loads = loads;
    this.ramp = ramp;
    this.reasonIfEmpty = reasonIfEmpty;
    this.random = random;
    this.ticker = ticker;
  }

  /**
   * Compiles the candidates a tracker offers; the arrays are copied. A ramp whose factors are all 1
   * is dropped, so {@link #isRamping()} is true only while something ramps.
   *
   * @param pool the snapshot the candidates were compiled from
   * @param servers the selectable servers (weight > 0), in pool order
   * @param loads their per-server load (a tracker passes its {@link ServerMetrics}), same order
   *     and length
   * @param ramp slow-start factors in (0, 1], same length, or null when none is ramping
   * @param reasonIfEmpty why nothing is selectable, used when {@code servers} is empty
   * @param random the selector's random source, for the pickers
   * @param ticker the tracker's ticker, for the pickers
   * @return the candidates
   * @throws NullPointerException if {@code servers} or {@code loads} is null
   * @throws IllegalArgumentException if the lengths differ or a ramp factor is outside (0, 1]
   */
  public static Candidates of(PoolSnapshot pool, Server[] servers, ServerLoad[] loads,
      double[] ramp, NoServerAvailableException.Reason reasonIfEmpty, RandomSource random,
      Ticker ticker) {
    Checks.notNull(servers, "servers");
    Checks.notNull(loads, "loads");
    Checks.argument(servers.length == loads.length
            && (ramp == null || ramp.length == servers.length),
        "servers, loads and ramp: lengths", servers.length + ", " + loads.length + ", "
            + (ramp == null ? "-" : ramp.length), "equal");
    double[] r = ramp;
    if (r != null) {
      boolean any = false;
      for (double f : r) {
        Checks.argument(f > 0.0 && f <= 1.0, "ramp", f, "in (0, 1]");
        any |= f < 1.0;
      }
      r = any ? r.clone() : null;
    }
    return new Candidates(pool, servers.clone(), loads.clone(), r, reasonIfEmpty, random, ticker);
  }

  /**
   * A subset of these candidates (on the write path), keeping pool, random, ticker, the empty
   * reason and each kept server's load and ramp. Wrapping strategies (zones, tiers, subsets) use
   * it.
   *
   * @param keep accepts the indexes to keep
   * @return the subset, possibly empty
   */
  public Candidates filter(IntPredicate keep) {
    int n = 0;
    int[] idx = new int[servers.length];
    for (int i = 0; i < servers.length; i++) {
      if (keep.test(i)) {
        idx[n++] = i;
      }
    }
    Server[] s = new Server[n];
    ServerLoad[] m = new ServerLoad[n];
    double[] r = ramp == null ? null : new double[n];
    for (int k = 0; k < n; k++) {
      s[k] = servers[idx[k]];
      m[k] = loads[idx[k]];
      if (r != null) {
        r[k] = ramp[idx[k]];
      }
    }
    return of(pool, s, m, r, reasonIfEmpty, random, ticker);
  }

  /**
   * These candidates with each ramp factor multiplied by {@code factors[i]} (on the write path):
   * how a wrapping strategy gives servers unequal shares that its delegate honours as it honours
   * slow start (a subset whose ring window covers only part of a server). Everything else is
   * kept; factors of exactly 1 leave a server as it was.
   *
   * @param factors one factor in (0, 1] per candidate, in candidate order; not kept
   * @return the scaled candidates, or these when every factor is 1
   * @throws NullPointerException if {@code factors} is null
   * @throws IllegalArgumentException if its length is not {@link #size()} or a factor is outside
   *     (0, 1]
   */
  public Candidates scaleRamp(double[] factors) {
    Checks.notNull(factors, "factors");
    Checks.argument(factors.length == servers.length, "factors: length", factors.length,
        "the number of candidates, " + servers.length);
    boolean all1 = true;
    for (double f : factors) {
      Checks.argument(f > 0.0 && f <= 1.0, "factor", f, "in (0, 1]");
      all1 &= f == 1.0;
    }
    if (all1) {
      return this;
    }
    double[] r = new double[servers.length];
    for (int i = 0; i < r.length; i++) {
      // a product of factors in (0, 1] is in [0, 1]; a tiny one may underflow to 0
      r[i] = Math.max(Double.MIN_NORMAL, ramp(i) * factors[i]);
    }
    return new Candidates(pool, servers, loads, r, reasonIfEmpty, random, ticker);
  }

  /**
   * These candidates drawing from {@code random} instead: how a picker's {@link Picker#copy}
   * runs its own pick code on a copy of the selector's random sequence. Off the pick path.
   *
   * @param random the source the copy's pickers draw from
   * @return the candidates with that source, everything else shared
   * @throws NullPointerException if {@code random} is null
   */
  public Candidates withRandom(RandomSource random) {
    return new Candidates(pool, servers, loads, ramp, reasonIfEmpty,
        Checks.notNull(random, "random"), ticker);
  }

  /** {@return the snapshot these candidates were compiled from} */
  public PoolSnapshot pool() {
    return pool;
  }

  /** {@return how many candidates there are} */
  public int size() {
    return servers.length;
  }

  /** {@return true when there is no candidate} */
  public boolean isEmpty() {
    return servers.length == 0;
  }

  /**
   * Candidate {@code i}.
   *
   * @param i 0 to {@code size() - 1}
   * @return the server
   */
  public Server server(int i) {
    return servers[i];
  }

  /** {@return the candidates as an unmodifiable list} It allocates: write path only. */
  public List<Server> servers() {
    return List.of(servers);
  }

  /**
   * The load of candidate {@code i}, read-only: what load-aware pickers compare.
   *
   * @param i 0 to {@code size() - 1}
   * @return the live view of its counters
   */
  public ServerLoad load(int i) {
    return loads[i];
  }

  /**
   * The configured weight of candidate {@code i}.
   *
   * @param i 0 to {@code size() - 1}
   * @return its weight, {@code > 0}
   */
  public int weight(int i) {
    return servers[i].weight();
  }

  /** {@return true when some candidate's ramp factor is below 1 (slow start, a partial share)} */
  public boolean isRamping() {
    return ramp != null;
  }

  /**
   * The slow-start factor of candidate {@code i}.
   *
   * @param i 0 to {@code size() - 1}
   * @return its factor, in (0, 1]; 1 when it is not ramping
   */
  public double ramp(int i) {
    return ramp == null ? 1.0 : ramp[i];
  }

  /**
   * weight × ramp: what weighted strategies should honour.
   *
   * @param i 0 to {@code size() - 1}
   * @return the effective weight, {@code > 0}
   */
  public double effectiveWeight(int i) {
    return ramp == null ? servers[i].weight() : servers[i].weight() * ramp[i];
  }

  /** {@return why nothing is selectable, when these candidates are empty} */
  public NoServerAvailableException.Reason reasonIfEmpty() {
    return reasonIfEmpty;
  }

  /** {@return the selector's random source, for pickers that draw} */
  public RandomSource random() {
    return random;
  }

  /** {@return the tracker's ticker, for pickers that read the time (peak EWMA)} */
  public Ticker ticker() {
    return ticker;
  }

  /**
   * Whether a picker built from {@code other} chooses as one built from these would: {@link
   * #equals}, with the ramp compared only when the strategy reads it. Selectors use it to skip a
   * rebuild that would change nothing.
   *
   * @param other the candidates to compare with
   * @param rampMatters whether the strategy reads the ramp ({@link io.lbkit.Strategy#usesRamp()})
   * @return true when a new picker would choose as the current one does
   */
  public boolean choosesLike(Candidates other, boolean rampMatters) {
    if (rampMatters || ramp == null && other.ramp == null) {
      return equals(other);
    }
    return sameExceptRamp(other);
  }

  /** Equal when a picker built from either would choose the same way. */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Candidates)) {
      return false;
    }
    Candidates c = (Candidates) o;
    return Arrays.equals(ramp, c.ramp) && sameExceptRamp(c);
  }

  private boolean sameExceptRamp(Candidates c) {
    if (servers.length != c.servers.length || random != c.random || ticker != c.ticker
        || reasonIfEmpty != c.reasonIfEmpty) {
      return false;
    }
    for (int i = 0; i < servers.length; i++) {
      if (loads[i] != c.loads[i] || !servers[i].equals(c.servers[i])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(servers) * 31 + Arrays.hashCode(ramp);
  }

  @Override
  public String toString() {
    return "Candidates{pool v" + pool.version() + ", " + Arrays.toString(servers)
        + (ramp == null ? "" : ", ramp=" + Arrays.toString(ramp)) + '}';
  }
}
