package io.lbkit.strategy;

import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.Strategy;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.PickReport;
import io.lbkit.spi.Picker;
import io.lbkit.spi.ServerLoad;

/**
 * Prefers the local zone by the share {@link ZoneAwareConfig} gives it: the delegate picks among
 * the local candidates for that share of the calls and among the other zones' for the rest. The
 * pickers (local, other zones, all) are built on the write path, from the previous ones so that a
 * round robin keeps its rotation; a pick is at most one draw, two load reads and the delegate's
 * pick. When every candidate of the drawn side is excluded by the request (a failover already
 * tried them), the pick goes to the other side.
 *
 * <pre>
 * The local share, on the write path:
 *     available = sum of ramp(i) over the local candidates   (a server at 30% of its slow start
 *                                                             counts as 0.3 of a server)
 *     health    = min(1, factor x available / members)       (the overprovisioning rule
 *                                                             tiers use), for the local zone
 *                                                             and for the other zones together
 *     share     = Envoy's priority load of the local zone    (its health; or, when the two
 *                                                             healths add up to less than 1,
 *                                                             its health over their sum)
 *     share     = min(share x (1 - spill), 1 - probeShare)   (measured spillover, when on:
 *                                                             ZoneSpillover, ZoneSpill)
 * and 0 (every zone is used, by the delegate over all candidates) when fewer than
 * minLocalServers local servers are candidates.
 *
 * The overflow check, on the pick path (when on): a pick drawn for the local zone compares the
 * in-flight calls of one local candidate and one other-zone candidate drawn at random, and goes
 * to the other zones when local > ratio x (other + 1) and local >= min. A zone that cannot carry
 * the calls it is sent queues them, and queued calls show at once in the in-flight counts (by
 * Little's law in-flight = rate x latency), long before a latency average moves; the check sheds
 * only while the local zone is much busier than the others, so a healthy local zone keeps its
 * traffic.
 * </pre>
 */
final class ZoneAwareStrategy implements Strategy {
  private final ZoneAwareConfig config;
  private final Strategy delegate;
  private final ZoneSpill spill; // null: no measured spillover

  ZoneAwareStrategy(ZoneAwareConfig config, Strategy delegate) {
    this.config = config;
    this.delegate = delegate;
    this.spill = config.spillover() == null ? null : new ZoneSpill(config.spillover());
  }

  @Override
  public Picker newPicker(Candidates candidates, Picker previous) {
    String zone = config.localZone();
    ZonePicker prev = previous instanceof ZonePicker ? (ZonePicker) previous : null;
    int members = 0;
    int others = 0;
    for (Server s : candidates.pool().servers()) {
      if (s.weight() > 0) {
        if (zone.equals(s.zone())) {
          members++;
        } else {
          others++;
        }
      }
    }
    Candidates local = candidates.filter(i -> zone.equals(candidates.server(i).zone()));
    Picker all = delegate.newPicker(candidates, prev == null ? null : prev.all);
    // this selector's own spill, carried from its previous picker
    ZoneSpill.State spillState = spill == null ? null
        : prev != null && prev.spillState != null ? prev.spillState : spill.newState();
    if (local.isEmpty() || local.size() < config.minLocalServers()) {
      return new ZonePicker(null, null, all, 0.0, null, null, candidates.random(), config,
          spillState);
    }
    if (local.size() == candidates.size()) {
      return new ZonePicker(all, null, all, 1.0, null, null, candidates.random(), config,
          spillState);
    }
    // ramp steps reach newPicker only when the delegate reads the ramp: otherwise count whole
    Candidates remote = candidates.filter(i -> !zone.equals(candidates.server(i).zone()));
    double share = config.localShare(available(local), members, available(remote), others);
    if (spill != null) {
      share = Math.min(share * (1.0 - spill.evaluate(spillState, local, remote)),
          1.0 - config.spillover().probeShare());
    }
    // a single-side picker serves as both local and all: hand it on as all's previous only, so
    // that the two pickers built from now on keep their own state (a probe pool, say)
    Picker localPicker = delegate.newPicker(local,
        prev == null || prev.local == prev.all ? null : prev.local);
    Picker remotePicker = delegate.newPicker(remote, prev == null ? null : prev.remote);
    return new ZonePicker(localPicker, remotePicker, all, share, loads(local), loads(remote),
        candidates.random(), config, spillState);
  }

  /** How many candidates: each ramping one counts by its ramp factor if the delegate reads it. */
  private double available(Candidates c) {
    if (!delegate.usesRamp()) {
      return c.size(); // ramp steps reach newPicker only when the delegate reads the ramp
    }
    double sum = 0.0;
    for (int i = 0; i < c.size(); i++) {
      sum += c.ramp(i);
    }
    return sum;
  }

  private static ServerLoad[] loads(Candidates c) {
    ServerLoad[] loads = new ServerLoad[c.size()];
    for (int i = 0; i < loads.length; i++) {
      loads[i] = c.load(i);
    }
    return loads;
  }

  /**
   * As the delegate: the local share reads the ramp only when the delegate does, so a key-affinity
   * delegate's tables are not rebuilt for each slow-start step.
   */
  @Override
  public boolean usesRamp() {
    return delegate.usesRamp();
  }

  @Override
  public void addChangeListener(Runnable listener) {
    delegate.addChangeListener(listener);
    if (spill != null) {
      spill.add(io.lbkit.internal.Checks.notNull(listener, "listener"));
    }
  }

  @Override
  public void removeChangeListener(Runnable listener) {
    delegate.removeChangeListener(listener);
    if (spill != null) {
      spill.remove(listener);
    }
  }

  @Override
  public void onLoadReport() {
    delegate.onLoadReport();
  }

  @Override
  public String toString() {
    return "zoneAware{" + config.localZone() + ", " + delegate + '}';
  }

  static final class ZonePicker implements Picker {
    /** Null while the local zone has too few servers; {@link #all} when it holds every one. */
    final Picker local;
    /** The other zones' picker; null unless both sides have candidates. */
    final Picker remote;
    final Picker all;
    /** The local zone's share of the calls, in [0, 1]. */
    final double share;
    private final ServerLoad[] localLoads;
    private final ServerLoad[] remoteLoads;
    private final RandomSource random;
    private final ZoneAwareConfig config;
    /** The selector's measured spill, for the next picker; null without spillover. */
    final ZoneSpill.State spillState;

    ZonePicker(Picker local, Picker remote, Picker all, double share, ServerLoad[] localLoads,
        ServerLoad[] remoteLoads, RandomSource random, ZoneAwareConfig config,
        ZoneSpill.State spillState) {
      this.local = local;
      this.remote = remote;
      this.all = all;
      this.share = share;
      this.localLoads = localLoads;
      this.remoteLoads = remoteLoads;
      this.random = random;
      this.config = config;
      this.spillState = spillState;
    }

    boolean isLocal() {
      return local != null;
    }

    @Override
    public Server pick(Request request) {
      if (remote == null) {
        return all.pick(request); // a single side: every zone, or the local zone holds them all
      }
      boolean toLocal = (share >= 1.0 || random.nextDouble() < share) && !overflows();
      Server s = (toLocal ? local : remote).pick(request);
      return s != null ? s : (toLocal ? remote : local).pick(request);
    }

    /** The overflow check of the class comment: O(1), two volatile reads. */
    private boolean overflows() {
      int overflowMin = config.overflowMin();
      if (overflowMin == 0) {
        return false;
      }
      int l = localLoads[localLoads.length == 1 ? 0 : random.nextInt(localLoads.length)]
          .inFlight();
      if (l < overflowMin) {
        return false;
      }
      int r = remoteLoads[remoteLoads.length == 1 ? 0 : random.nextInt(remoteLoads.length)]
          .inFlight();
      return l > config.overflowRatio() * (r + 1);
    }

    @Override
    public Picker copy(RandomSource random) {
      Picker a = all.copy(random);
      if (a == null) {
        return null;
      }
      if (remote == null) {
        return new ZonePicker(local == null ? null : a, null, a, share, null, null, random,
            config, spillState); // one picker serves both: so must its copy
      }
      Picker l = local.copy(random);
      Picker r = remote.copy(random);
      return l == null || r == null ? null
          : new ZonePicker(l, r, a, share, localLoads, remoteLoads, random, config, spillState);
    }

    @Override
    public void describe(Request request, Server chosen, PickReport report) {
      if (remote == null) {
        all.describe(request, chosen, report);
        report.note(local == null ? "too few local servers available: every zone is used"
            : "every candidate is in the local zone");
        return;
      }
      String shares = String.format(java.util.Locale.ROOT,
          "zone shares: local %.1f%%, other zones %.1f%%", 100 * share, 100 * (1 - share));
      if (chosen == null || PickReport.scored(local, request, chosen).contains(chosen)) {
        String why = share >= 1.0 ? "the local zone has enough servers"
            : "this pick uses the local zone";
        Explain.part(local, all, request, chosen, s -> "another zone (" + s.zone() + "): " + why,
            report);
        report.note(shares + "; the local zone is used");
      } else if (excludesEveryLocal(request, chosen)) {
        all.describe(request, chosen, report);
        report.note("the request excludes every local server: every zone is used");
      } else {
        Explain.part(remote, all, request, chosen, s -> "the local zone (" + s.zone()
            + "): this pick spills to the other zones", report);
        report.note(shares + "; this pick spills to the other zones (by its share or a local "
            + "overflow)");
      }
    }

    private boolean excludesEveryLocal(Request request, Server chosen) {
      for (Server s : PickReport.scored(local, Request.NONE, chosen)) {
        if (!request.excludes(s)) {
          return false;
        }
      }
      return true;
    }
  }
}
