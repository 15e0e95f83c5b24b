package io.lbkit.failover;

import io.lbkit.PoolSnapshot;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.Strategy;
import io.lbkit.internal.Overprovisioning;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.Picker;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Priority tiers for {@link PrimaryBackup}, as a strategy wrapper: on the write path it finds the
 * tier in force and builds the user's strategy over that tier only; the pick path is the inner
 * picker's, plus a fall-through when the request excludes the whole tier.
 *
 * <pre>
 * Envoy's overprovisioning factor 1.4: tier p is used while
 *     available(p) × 1.4 >= total(p)     i.e. available / total >= 1 / 1.4 ≈ 71.4%
 * decided by {@link Overprovisioning#DEFAULT}, the one rule zone preference applies too.
 * total(p) counts the pool's servers of priority p with weight > 0 (drained servers are out on
 * purpose); available(p) counts those the tracker offers as candidates. The tier in force is the
 * lowest p that passes; when none passes, every candidate of every tier is used, so that a
 * degraded cluster still spreads its load.
 * Example: 5 primaries need 4 available (4 × 1.4 = 5.6 >= 5; 3 × 1.4 = 4.2 < 5).
 * </pre>
 *
 * Picks that the tier in force cannot serve (every server of it excluded by a retry) go to the
 * other tiers in priority order, so a retry can leave a tier whose last servers just failed.
 */
final class TierStrategy implements Strategy {
  private final Strategy inner;

  TierStrategy(Strategy inner) {
    this.inner = inner;
  }

  @Override
  public Picker newPicker(Candidates candidates, Picker previous) {
    TreeMap<Integer, int[]> tiers = new TreeMap<>(); // priority -> {total, available}
    PoolSnapshot pool = candidates.pool();
    for (int i = 0; i < pool.size(); i++) {
      Server s = pool.get(i);
      if (s.weight() > 0) {
        tiers.computeIfAbsent(s.priority(), p -> new int[2])[0]++;
      }
    }
    for (int i = 0; i < candidates.size(); i++) {
      tiers.computeIfAbsent(candidates.server(i).priority(), p -> new int[2])[1]++;
    }
    int inForce = -1;
    for (var e : tiers.entrySet()) {
      int[] c = e.getValue();
      if (c[1] > 0 && Overprovisioning.DEFAULT.enough(c[1], c[0])) {
        inForce = e.getKey();
        break;
      }
    }
    Tiered prev = previous instanceof Tiered ? (Tiered) previous : null;
    List<Picker> order = new ArrayList<>();
    List<Integer> keys = new ArrayList<>();
    if (inForce < 0) {
      order.add(inner.newPicker(candidates, prev == null ? null : prev.forKey(-1)));
      keys.add(-1);
    } else {
      addTier(candidates, inForce, prev, order, keys);
      for (int p : tiers.keySet()) {
        if (p != inForce && tiers.get(p)[1] > 0) {
          addTier(candidates, p, prev, order, keys);
        }
      }
    }
    int[] k = new int[keys.size()];
    for (int i = 0; i < k.length; i++) {
      k[i] = keys.get(i);
    }
    return new Tiered(order.toArray(new Picker[0]), k);
  }

  private void addTier(Candidates candidates, int priority, Tiered prev, List<Picker> order,
      List<Integer> keys) {
    Candidates tier = candidates.filter(i -> candidates.server(i).priority() == priority);
    order.add(inner.newPicker(tier, prev == null ? null : prev.forKey(priority)));
    keys.add(priority);
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
  public String toString() {
    return "tiers(" + inner + ")";
  }

  /** The tier in force first, then the others in priority order. */
  static final class Tiered implements Picker {
    private final Picker[] pickers;
    private final int[] keys; // the priority of each picker; -1 for "every tier"

    Tiered(Picker[] pickers, int[] keys) {
      this.pickers = pickers;
      this.keys = keys;
    }

    @Override
    public Server pick(Request request) {
      Picker[] p = pickers;
      for (int i = 0; i < p.length; i++) {
        Server s = p[i].pick(request);
        if (s != null) {
          return s;
        }
      }
      return null;
    }

    Picker forKey(int priority) {
      for (int i = 0; i < keys.length; i++) {
        if (keys[i] == priority) {
          return pickers[i];
        }
      }
      return null;
    }

    /** The priority of the tier in force, or -1 when every tier is used. */
    int inForce() {
      return keys[0];
    }
  }
}
