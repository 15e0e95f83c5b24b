package io.lbkit.strategy;

import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.Strategy;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.PickReport;
import io.lbkit.spi.Picker;

/**
 * Prefers the local zone: while it has enough available servers ({@link ZoneAwareConfig}) the
 * delegate picks among the local candidates only; otherwise among all candidates. Both delegate
 * pickers are built on the write path (from the previous ones, so a round robin keeps its
 * rotation); a pick is one branch plus the delegate's pick. When every local candidate is excluded
 * by the request (a failover already tried them), the pick goes to the other zones.
 */
final class ZoneAwareStrategy implements Strategy {
  private final ZoneAwareConfig config;
  private final Strategy delegate;

  ZoneAwareStrategy(ZoneAwareConfig config, Strategy delegate) {
    this.config = config;
    this.delegate = delegate;
  }

  @Override
  public Picker newPicker(Candidates candidates, Picker previous) {
    String zone = config.localZone();
    ZonePicker prev = previous instanceof ZonePicker ? (ZonePicker) previous : null;
    int members = 0;
    for (Server s : candidates.pool().servers()) {
      if (s.weight() > 0 && zone.equals(s.zone())) {
        members++;
      }
    }
    Candidates local = candidates.filter(i -> zone.equals(candidates.server(i).zone()));
    Picker all = delegate.newPicker(candidates, prev == null ? null : prev.all);
    if (local.isEmpty() || !config.enough(local.size(), members)) {
      return new ZonePicker(null, all);
    }
    if (local.size() == candidates.size()) {
      return new ZonePicker(all, all);
    }
    Picker previousLocal = prev == null ? null : prev.local;
    return new ZonePicker(delegate.newPicker(local, previousLocal), all);
  }

  /** The zone choice reads no ramp; the delegate decides. */
  @Override
  public boolean usesRamp() {
    return delegate.usesRamp();
  }

  @Override
  public void addChangeListener(Runnable listener) {
    delegate.addChangeListener(listener);
  }

  @Override
  public void removeChangeListener(Runnable listener) {
    delegate.removeChangeListener(listener);
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
    /** Null while the local zone has too few servers. */
    final Picker local;
    final Picker all;

    ZonePicker(Picker local, Picker all) {
      this.local = local;
      this.all = all;
    }

    boolean isLocal() {
      return local != null;
    }

    @Override
    public Server pick(Request request) {
      if (local != null) {
        Server s = local.pick(request);
        if (s != null || local == all) {
          return s;
        }
      }
      return all.pick(request);
    }

    @Override
    public Picker copy(RandomSource random) {
      Picker a = all.copy(random);
      if (a == null || local == null) {
        return a == null ? null : new ZonePicker(null, a);
      }
      if (local == all) {
        return new ZonePicker(a, a); // one picker serves both: so must its copy
      }
      Picker l = local.copy(random);
      return l == null ? null : new ZonePicker(l, a);
    }

    @Override
    public void describe(Request request, Server chosen, PickReport report) {
      if (local == null || local == all) {
        all.describe(request, chosen, report);
        report.note(local == null ? "too few local servers available: every zone is used"
            : "every candidate is in the local zone");
      } else if (chosen == null || PickReport.scored(local, request, chosen).contains(chosen)) {
        Explain.part(local, all, request, chosen, s -> "another zone (" + s.zone()
            + "): the local zone has enough servers", report);
        report.note("the local zone is used");
      } else {
        all.describe(request, chosen, report);
        report.note("the request excludes every local server: every zone is used");
      }
    }
  }
}
