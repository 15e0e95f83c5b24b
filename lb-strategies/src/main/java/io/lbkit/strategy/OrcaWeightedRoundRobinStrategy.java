package io.lbkit.strategy;

import io.lbkit.LoadReport;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.Strategy;
import io.lbkit.Ticker;
import io.lbkit.internal.Checks;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.PickReport;
import io.lbkit.spi.Picker;
import io.lbkit.spi.ServerLoad;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Weighted round robin whose weights come from the servers' own load reports (gRPC's {@code
 * weighted_round_robin}, gRFC A58; Envoy's {@code client_side_weighted_round_robin}). The
 * configured server weights are not used: the reports replace them, and a pool without reports is
 * plain round robin, in exactly round robin's order.
 *
 * <pre>
 * Weights, computed on the write path (newPicker) at time t, for each candidate i whose latest
 * report r arrived at tr, the first of its current run of reports at ts:
 *   u_i = r.applicationUtilization if > 0, else r.cpuUtilization
 *   w_i = r.qps / (u_i + penalty x r.eps / r.qps)      if u_i > 0 and r.qps > 0
 *   w_i = 0 (no weight)   if there is no report, t - tr >= expiration (the run ends: the next
 *                         report starts a new one), t - ts < blackout, or u_i or qps is 0.
 *   m = mean of the w_i > 0 (1 when there is none: every server equal, round robin)
 *   w_i = m for every w_i = 0, then clamped to [0.1 m, 10 m] (gRPC's StaticStrideScheduler),
 *   then multiplied by the slow-start ramp.
 * ts: the first report the tracker ever kept for the server (ServerLoad.firstLoadReportNanos)
 *   for a server this strategy has not seen before; kept from picker to picker while the server's
 *   report stays fresh; for a server whose report had gone stale (or was missing) at the previous
 *   computation, t_previous at the earliest: its new run began after that.
 *
 * Schedule: the weights are scaled to integers, the largest G = clamp(65536 / N, 64, 1024), at
 * least 1 each, and reduced by their gcd, then one cycle is laid out by gRPC's static stride
 * rule: for each generation g in [0, G) and each server i in order, i takes a slot when
 * (w_i x g + o_i) mod G >= G - w_i, with o_i = (i x G / 2) mod G spreading the servers' slots
 * apart. Over the G generations i takes exactly w_i slots. Building costs N x G <= 65 536 steps
 * (N x 64 above 1024 servers); a pick is one cursor step and one array load, as weighted round
 * robin's. Equal weights reduce to 1 each: the cycle is 0..N-1, round robin's rotation, and the
 * cursors (Stripes) start where round robin's would.
 * </pre>
 *
 * <p>When weights are computed again: on every rebuild (pool, health), and once a weight update
 * period has passed, by the first load report that arrives after it ({@link #onLoadReport}): the
 * strategy then calls its change listeners and the selector rebuilds on its write path. No timer,
 * no thread: reports arrive with responses, so weights follow traffic, and in the simulator's
 * virtual time too. When no server reports, nothing changes and nothing is recomputed.
 *
 * <p>One instance per selector: it keeps the time its weights are next due, and selectors that
 * shared it would share that clock (correct, but each would rebuild whenever any is due).
 */
final class OrcaWeightedRoundRobinStrategy implements Strategy {
  static final double MAX_RATIO = 10.0;
  static final double MIN_RATIO = 0.1;
  static final int MIN_GENERATIONS = 64;
  static final int MAX_GENERATIONS = 1024;
  /** "No fresh report" in the since array. */
  static final long NONE = Long.MIN_VALUE;

  private static final VarHandle DUE;

  static {
    try {
      DUE = MethodHandles.lookup().findVarHandle(OrcaWeightedRoundRobinStrategy.class, "dueNanos",
          long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final OrcaWrrConfig config;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private volatile Ticker ticker; // the last candidates', null before the first picker
  @SuppressWarnings("unused") // through DUE
  private volatile long dueNanos;

  OrcaWeightedRoundRobinStrategy(OrcaWrrConfig config) {
    this.config = config;
  }

  @Override
  public Picker newPicker(Candidates candidates, Picker previous) {
    Ticker t = candidates.ticker();
    long now = t.read();
    OrcaPicker prev = previous instanceof OrcaPicker p && p.owner == this ? p : null;
    Weights w = weights(candidates, prev, now);
    int[] schedule = schedule(w.weights);
    Stripes stripes = previous instanceof OrcaPicker q ? q.stripes
        : new Stripes(candidates.random(), schedule.length);
    ticker = t;
    dueNanos = now + config.updateNanos;
    return new OrcaPicker(this, candidates, schedule, stripes, w, now);
  }

  /**
   * The first load report after the update period asks the selectors to rebuild; every other one
   * costs a clock read and a compare.
   */
  @Override
  public void onLoadReport() {
    Ticker t = ticker;
    if (t == null) {
      return;
    }
    long due = dueNanos;
    long now = t.read();
    if (now - due < 0 || !DUE.compareAndSet(this, due, now + config.updateNanos)) {
      return;
    }
    for (Runnable r : listeners) {
      r.run(); // the selectors' own: they only mark a rebuild (a tracker logs what one throws)
    }
  }

  @Override
  public void addChangeListener(Runnable listener) {
    listeners.add(Checks.notNull(listener, "listener"));
  }

  @Override
  public void removeChangeListener(Runnable listener) {
    listeners.remove(listener);
  }

  /** The candidates' weights at {@code now} (see the class comment), with why each is what it is. */
  Weights weights(Candidates c, OrcaPicker prev, long now) {
    int n = c.size();
    double[] raw = new double[n];
    long[] since = new long[n];
    byte[] why = new byte[n];
    // the previous picker's run starts, by index when its candidates are these (the usual case)
    boolean sameOrder = prev != null && prev.sameLoads(c);
    Map<ServerLoad, Long> prevSince = prev == null || sameOrder ? null : prev.sinceByLoad();
    double sum = 0;
    int weighted = 0;
    for (int i = 0; i < n; i++) {
      ServerLoad load = c.load(i);
      LoadReport r = load.loadReport();
      double wi = 0;
      if (r == null) {
        why[i] = Weights.NO_REPORT;
      } else if (now - load.loadReportNanos() >= config.expirationNanos) {
        why[i] = Weights.EXPIRED;
      } else if ((wi = weight(r, config.errorPenalty)) <= 0) {
        why[i] = Weights.NO_WEIGHT;
      }
      if (why[i] != Weights.OK) {
        since[i] = NONE;
        continue;
      }
      long p = NONE;
      boolean seen = sameOrder;
      if (sameOrder) {
        p = prev.weights.since[i];
      } else if (prevSince != null) {
        Long boxed = prevSince.get(load);
        seen = boxed != null;
        p = seen ? boxed : NONE;
      }
      long s;
      if (!seen) {
        s = load.firstLoadReportNanos(); // a server new to this strategy
      } else if (p != NONE) {
        s = p; // its run of fresh reports goes on
      } else {
        s = later(load.firstLoadReportNanos(), prev.builtNanos); // a new run, begun since then
      }
      since[i] = s;
      if (now - s < config.blackoutNanos) {
        why[i] = Weights.BLACKOUT;
        continue;
      }
      raw[i] = wi;
      sum += wi;
      weighted++;
    }
    double mean = weighted == 0 ? 1.0 : sum / weighted;
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      double wi = raw[i] > 0 ? raw[i] : mean;
      w[i] = Math.min(MAX_RATIO * mean, Math.max(MIN_RATIO * mean, wi)) * c.ramp(i);
    }
    return new Weights(w, since, why, mean);
  }

  private static long later(long a, long b) {
    return a - b >= 0 ? a : b;
  }

  /** gRPC A58's weight of one report; 0 when it has no utilization or no qps. */
  static double weight(LoadReport r, double errorPenalty) {
    double u = r.utilization();
    double qps = r.qps();
    if (u <= 0 || qps <= 0) {
      return 0;
    }
    double penalty = r.eps() > 0 && errorPenalty > 0 ? r.eps() / qps * errorPenalty : 0;
    return qps / (u + penalty);
  }

  /** One static-stride cycle over {@code weights} (positive): see the class comment. */
  static int[] schedule(double[] weights) {
    int n = weights.length;
    double max = 0;
    for (double x : weights) {
      max = Math.max(max, x);
    }
    int g = (int) Math.max(MIN_GENERATIONS, Math.min(MAX_GENERATIONS, 65_536L / n));
    long[] w = new long[n];
    for (int i = 0; i < n; i++) {
      w[i] = Math.max(1L, Math.round(weights[i] / max * g));
    }
    SmoothSchedule.reduceByGcd(w);
    long top = 0;
    long length = 0;
    for (int i = 0; i < n; i++) {
      top = Math.max(top, w[i]);
      length += w[i];
    }
    int[] cycle = new int[Math.toIntExact(length)];
    // (w_i x g + o_i) mod G >= G - w_i is "adding w_i to the running remainder carries past G":
    // one add and one compare per step, no division (a division per step made this 20x slower)
    long[] acc = new long[n];
    long half = top / 2;
    for (int i = 0; i < n; i++) {
      acc[i] = (i * half) % top;
    }
    // Branch-free: whether a server takes a slot looks random to a branch predictor, and the
    // mispredictions cost more than the writes, so the slot is written either way and kept only
    // on a carry (a later carry overwrites it). The largest server takes a slot in every
    // generation, the last one too, so until then every write stays below the cycle's end; the
    // last generation writes carries only.
    int k = 0;
    for (long gen = 0; gen < top - 1; gen++) {
      for (int i = 0; i < n; i++) {
        long a = acc[i] + w[i];
        long carry = (top - 1 - a) >>> 63; // 1 when a >= top
        cycle[k] = i;
        k += (int) carry;
        acc[i] = a - (top & -carry);
      }
    }
    for (int i = 0; i < n; i++) {
      if (acc[i] + w[i] >= top) {
        cycle[k++] = i;
      }
    }
    return cycle;
  }


  @Override
  public String toString() {
    return "orcaWeightedRoundRobin";
  }

  /** The weights of one computation, with what the picker's explanation says of each. */
  static final class Weights {
    static final byte OK = 0;
    static final byte NO_REPORT = 1;
    static final byte EXPIRED = 2;
    static final byte NO_WEIGHT = 3;
    static final byte BLACKOUT = 4;

    final double[] weights; // what the schedule honours
    final long[] since;
    final byte[] why;
    final double mean;

    Weights(double[] weights, long[] since, byte[] why, double mean) {
      this.weights = weights;
      this.since = since;
      this.why = why;
      this.mean = mean;
    }
  }

  static final class OrcaPicker extends CyclePicker {
    final OrcaWeightedRoundRobinStrategy owner;
    final Weights weights;
    final long builtNanos;

    OrcaPicker(OrcaWeightedRoundRobinStrategy owner, Candidates candidates, int[] schedule,
        Stripes stripes, Weights weights, long builtNanos) {
      super(candidates, schedule, stripes);
      this.owner = owner;
      this.weights = weights;
      this.builtNanos = builtNanos;
    }

    /** Whether {@code c} holds exactly this picker's load objects, in the same order. */
    boolean sameLoads(Candidates c) {
      if (c.size() != servers.length) {
        return false;
      }
      for (int i = 0; i < servers.length; i++) {
        if (c.load(i) != candidates.load(i)) {
          return false;
        }
      }
      return true;
    }

    /** Each candidate's run start, by its load object: what the next computation carries on. */
    Map<ServerLoad, Long> sinceByLoad() {
      Map<ServerLoad, Long> m = new IdentityHashMap<>(servers.length * 2);
      for (int i = 0; i < servers.length; i++) {
        m.put(candidates.load(i), weights.since[i]);
      }
      return m;
    }

    @Override
    public Picker copy(RandomSource random) {
      return new OrcaPicker(owner, candidates.withRandom(random), schedule, stripes.copy(),
          weights, builtNanos);
    }

    @Override
    public void describe(Request request, Server chosen, PickReport report) {
      int[] slots = slotsPerCandidate();
      for (int i = 0; i < servers.length; i++) {
        report.score(servers[i], "weight " + Explain.num(weights.weights[i]) + " ("
            + reason(i) + "): " + slots[i] + " of the cycle's " + schedule.length + " slots");
      }
      report.note("reported weights' mean " + Explain.num(weights.mean)
          + "; clamped to [0.1, 10] x the mean");
    }

    private String reason(int i) {
      switch (weights.why[i]) {
        case Weights.NO_REPORT:
          return "no load report: the mean";
        case Weights.EXPIRED:
          return "report expired: the mean";
        case Weights.NO_WEIGHT:
          return "report without utilization or qps: the mean";
        case Weights.BLACKOUT:
          return "in its blackout period: the mean";
        default:
          LoadReport r = candidates.load(i).loadReport();
          return "reported " + (r == null ? "-" : "qps " + Explain.num(r.qps()) + ", utilization "
              + Explain.num(r.utilization()) + ", eps " + Explain.num(r.eps()))
              + (candidates.ramp(i) < 1 ? " x ramp " + Explain.num(candidates.ramp(i)) : "");
      }
    }
  }
}
