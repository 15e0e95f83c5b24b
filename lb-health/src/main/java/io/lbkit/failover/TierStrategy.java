package io.lbkit.failover;

import io.lbkit.PoolSnapshot;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.Strategy;
import io.lbkit.internal.Overprovisioning;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.PickReport;
import io.lbkit.spi.Picker;
import java.util.Map;
import java.util.TreeMap;

/**
 * Priority tiers for {@link PrimaryBackup}, as a strategy wrapper: on the write path it shares the
 * traffic out among the tiers by Envoy's priority load and builds the user's strategy over each
 * tier; the pick path draws a tier by those shares and asks its picker, with a fall-through when
 * the request excludes the whole tier.
 *
 * <pre>
 * Envoy's priority load, with the overprovisioning factor 1.4 ({@link Overprovisioning#DEFAULT},
 * the one rule zone preference applies too):
 *     health(p) = min(1, 1.4 × available(p) / total(p))
 * total(p) counts the pool's servers of priority p with weight > 0 (drained servers are out on
 * purpose); available(p) counts those the tracker offers as candidates, each ramping one by its
 * slow-start factor when the inner strategy reads the ramp (a server at 30% of its share is 0.3
 * of a server, as zone preference counts it), so a tier of cold servers does not take the whole
 * of the traffic at once. In priority order, each
 * tier takes what its health allows of the traffic the tiers before it left:
 *     load(p) = min(health(p), 1 - load(0) - ... - load(p - 1))
 * and when the healths add up to less than 1, each tier gets its health over their sum, so the
 * traffic is all placed. Examples: 2 of 4 primaries available keep min(1, 1.4 × 0.5) = 70% of
 * the traffic and send 30% to the backups; 7 of 10 keep 98%; 4 of 5 keep all (5.6 >= 5).
 * </pre>
 *
 * Picks that the drawn tier cannot serve (every server of it excluded by a retry) go to the other
 * tiers in priority order, so a retry can leave a tier whose last servers just failed.
 */
final class TierStrategy implements Strategy {
  private final Strategy inner;

  TierStrategy(Strategy inner) {
    this.inner = inner;
  }

  @Override
  public Picker newPicker(Candidates candidates, Picker previous) {
    TreeMap<Integer, double[]> tiers = new TreeMap<>(); // priority -> {total, available}
    PoolSnapshot pool = candidates.pool();
    for (int i = 0; i < pool.size(); i++) {
      Server s = pool.get(i);
      if (s.weight() > 0) {
        tiers.computeIfAbsent(s.priority(), p -> new double[2])[0]++;
      }
    }
    // ramp steps reach newPicker only when the inner strategy reads the ramp
    boolean byRamp = inner.usesRamp();
    for (int i = 0; i < candidates.size(); i++) {
      tiers.computeIfAbsent(candidates.server(i).priority(), p -> new double[2])[1] +=
          byRamp ? candidates.ramp(i) : 1.0;
    }
    tiers.values().removeIf(c -> c[1] == 0); // nothing to pick there, nothing to fall through to
    double[] loads = loads(tiers);
    Tiered prev = previous instanceof Tiered ? (Tiered) previous : null;
    Picker[] pickers = new Picker[tiers.size()];
    int[] keys = new int[pickers.length];
    int t = 0;
    for (int priority : tiers.keySet()) {
      Candidates tier = candidates.filter(i -> candidates.server(i).priority() == priority);
      pickers[t] = inner.newPicker(tier, prev == null ? null : prev.forKey(priority));
      keys[t++] = priority;
    }
    return new Tiered(pickers, keys, loads, candidates.random());
  }

  /** Each tier's share of the traffic, in priority order; they add up to 1. */
  static double[] loads(TreeMap<Integer, double[]> tiers) {
    double[] health = new double[tiers.size()];
    int t = 0;
    for (Map.Entry<Integer, double[]> e : tiers.entrySet()) {
      double[] c = e.getValue();
      health[t++] = Overprovisioning.DEFAULT.health(c[1], (int) c[0]);
    }
    return Overprovisioning.priorityLoad(health);
  }

  @Override
  public boolean usesRamp() {
    return inner.usesRamp();
  }

  @Override
  public void addChangeListener(Runnable listener) {
    inner.addChangeListener(listener);
  }

  @Override
  public void removeChangeListener(Runnable listener) {
    inner.removeChangeListener(listener);
  }

  @Override
  public void onLoadReport() {
    inner.onLoadReport();
  }

  @Override
  public String toString() {
    return "tiers(" + inner + ")";
  }

  /** One picker per tier in priority order, drawn by the tiers' shares. */
  static final class Tiered implements Picker {
    private final Picker[] pickers;
    private final int[] keys; // the priority of each picker
    /** Cumulative shares: tier i is drawn for u in [upTo[i - 1], upTo[i]). */
    private final double[] upTo;
    /** The tier that takes everything, or -1 when the traffic is split. */
    private final int sole;
    private final RandomSource random;

    Tiered(Picker[] pickers, int[] keys, double[] loads, RandomSource random) {
      this.pickers = pickers;
      this.keys = keys;
      this.random = random;
      this.upTo = new double[loads.length];
      double sum = 0.0;
      int soleTier = -1;
      int last = -1;
      for (int i = 0; i < loads.length; i++) {
        sum += loads[i];
        upTo[i] = sum;
        if (loads[i] >= 1.0) {
          soleTier = i;
        }
        if (loads[i] > 0.0) {
          last = i;
        }
      }
      for (int i = Math.max(0, last); i < upTo.length; i++) {
        upTo[i] = Double.POSITIVE_INFINITY; // so rounding never leaves a gap below 1
      }
      this.sole = soleTier;
    }

    @Override
    public Server pick(Request request) {
      int drawn = sole >= 0 ? sole : draw();
      Server s = pickers[drawn].pick(request);
      if (s != null) {
        return s;
      }
      Picker[] p = pickers;
      for (int i = 0; i < p.length; i++) {
        if (i != drawn && (s = p[i].pick(request)) != null) {
          return s;
        }
      }
      return null;
    }

    /** {@code from}'s tiers over {@code pickers} (copies), drawing from {@code random}. */
    private Tiered(Tiered from, Picker[] pickers, RandomSource random) {
      this.pickers = pickers;
      this.keys = from.keys;
      this.upTo = from.upTo;
      this.sole = from.sole;
      this.random = random;
    }

    @Override
    public Picker copy(RandomSource random) {
      Picker[] copies = new Picker[pickers.length];
      for (int i = 0; i < copies.length; i++) {
        if ((copies[i] = pickers[i].copy(random)) == null) {
          return null;
        }
      }
      return new Tiered(this, copies, random);
    }

    @Override
    public void describe(Request request, Server chosen, PickReport report) {
      int in = -1;
      StringBuilder shares = new StringBuilder("tier shares:");
      for (int i = 0; i < pickers.length; i++) {
        double from = i == 0 ? 0.0 : Math.min(1.0, upTo[i - 1]);
        shares.append(String.format(java.util.Locale.ROOT, " priority %d %.1f%%", keys[i],
            100.0 * (Math.min(1.0, upTo[i]) - from)));
        if (in < 0 && chosen != null && PickReport.scored(pickers[i], request, chosen)
            .contains(chosen)) {
          in = i;
        }
      }
      report.note(shares.toString());
      for (int i = 0; i < pickers.length; i++) {
        if (i == in || in < 0) {
          pickers[i].describe(request, chosen, report);
          continue;
        }
        for (Server s : PickReport.scored(pickers[i], request, chosen)) {
          report.leftOut(s, "another tier (priority " + keys[i] + "); this pick goes to priority "
              + keys[in]);
        }
      }
    }

    private int draw() {
      double u = random.nextDouble();
      int i = 0;
      while (u >= upTo[i]) { // a handful of tiers: a scan beats a search
        i++;
      }
      return i;
    }

    Picker forKey(int priority) {
      for (int i = 0; i < keys.length; i++) {
        if (keys[i] == priority) {
          return pickers[i];
        }
      }
      return null;
    }
  }
}
