package io.lbkit.failover;

import io.lbkit.NoServerAvailableException;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.Strategy;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.PickReport;
import io.lbkit.spi.Picker;

/**
 * Read/write splitting for {@link ReadWrite}, as a strategy wrapper: two inner pickers built on
 * the write path, one over the primaries (priority 0) and one over the replicas (priority > 0).
 * A write picks a primary or nothing: it never reaches a replica. A read picks a replica, and
 * when none can be chosen (none available, or all excluded by a retry) a primary.
 */
final class ReadWriteStrategy implements Strategy {
  private final Strategy inner;

  ReadWriteStrategy(Strategy inner) {
    this.inner = inner;
  }

  @Override
  public Picker newPicker(Candidates candidates, Picker previous) {
    Split prev = previous instanceof Split ? (Split) previous : null;
    Candidates primaries = candidates.filter(i -> candidates.server(i).priority() == 0);
    Candidates replicas = candidates.filter(i -> candidates.server(i).priority() > 0);
    Picker w = primaries.isEmpty() ? null
        : inner.newPicker(primaries, prev == null ? null : prev.primaries);
    Picker r = replicas.isEmpty() ? null
        : inner.newPicker(replicas, prev == null ? null : prev.replicas);
    return new Split(w, r);
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
    return "readWrite(" + inner + ")";
  }

  static final class Split implements Picker {
    private static final NoServerAvailableException NO_PRIMARY_FOR_WRITE =
        NoServerAvailableException.shared(NoServerAvailableException.Reason.NO_SERVER_IN_TIER,
            "no primary (priority 0) server is available for a write", null);

    final Picker primaries; // null when no primary is available
    final Picker replicas; // null when no replica is available

    Split(Picker primaries, Picker replicas) {
      this.primaries = primaries;
      this.replicas = replicas;
    }

    @Override
    public Server pick(Request request) {
      if (!request.isWrite() && replicas != null) {
        Server s = replicas.pick(request);
        if (s != null) {
          return s;
        }
      }
      return primaries == null ? null : primaries.pick(request);
    }

    @Override
    public Picker copy(RandomSource random) {
      Picker w = primaries == null ? null : primaries.copy(random);
      Picker r = replicas == null ? null : replicas.copy(random);
      return primaries != null && w == null || replicas != null && r == null ? null
          : new Split(w, r);
    }

    @Override
    public void describe(Request request, Server chosen, PickReport report) {
      boolean toReplicas = !request.isWrite() && replicas != null
          && (chosen == null || PickReport.scored(replicas, request, chosen).contains(chosen));
      Picker used = toReplicas ? replicas : primaries;
      Picker other = toReplicas ? primaries : replicas;
      if (used != null) {
        used.describe(request, chosen, report);
      }
      String why = request.isWrite() ? "a replica: a write goes to a primary (priority 0)"
          : toReplicas ? "a primary: a read goes to a replica while one can be chosen"
              : "a replica: none can be chosen for this read, so it goes to a primary";
      for (Server s : PickReport.scored(other, request, chosen)) {
        report.leftOut(s, why);
      }
    }

    @Override
    public NoServerAvailableException refusal(Request request) {
      // A read always has replicas or primaries here (never built over nothing): excluded.
      return primaries == null && request.isWrite() ? NO_PRIMARY_FOR_WRITE
          : Picker.super.refusal(request);
    }
  }
}
