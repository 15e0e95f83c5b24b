package io.lbkit.strategy;

import io.lbkit.Fleet;
import io.lbkit.NoServerAvailableException;
import io.lbkit.PoolSnapshot;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.Strategy;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.PickReport;
import io.lbkit.spi.Picker;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Subsetting for a fleet that knows its size and this client's place in it ({@link Fleet}):
 * deterministic aperture ({@link Aperture} has the maths). Every server gets exactly the same
 * share of the fleet's calls, whatever the numbers of servers and clients, and each client talks
 * to about {@code size} servers. The delegate picks within the subset, with each server's ramp
 * multiplied by its share ({@link Candidates#scaleRamp}), so a weighted delegate sends a server
 * at the window's edge only the part of the calls its overlap earns. Weighted round robin and
 * weighted random honour the shares exactly (so the fleet's load is exactly even); two-choice
 * delegates (least connections over P2C, peak EWMA) only roughly in small windows, as Finagle
 * notes for its weighted P2C, which is why it keeps a minimum aperture of 12. Key-affinity
 * delegates (hash, ring, Maglev, rendezvous) read no ramp: they keep the subset but not the
 * exact shares.
 *
 * <p>Servers: every pool member, drained ones too (a drain reshuffles no one's window), sorted by
 * id so that every client sees one ring whatever order its pool came in.
 *
 * <p>Position unknown ({@link Fleet#position()} null: a registry not read yet): the whole pool,
 * every server at share 1. That spreads the load evenly too, at the cost of connections to every
 * server until the position is known; a guessed position could leave servers without clients.
 *
 * <p>Changes: the fleet's change listeners are the selectors' ({@link #addChangeListener}), so a
 * client joining or leaving rebuilds every selector over this strategy with no pool change. The
 * window is computed again only when the pool snapshot or the position changed; a health change
 * reuses it.
 *
 * <p>Health, as {@code subset(size, clientId, delegate)}: when no server of the window is a
 * candidate, the delegate gets all candidates, unscaled, rather than fail; a request that
 * excludes every subset member gets nothing.
 */
final class ApertureStrategy implements Strategy {
  private final int size;
  private final Fleet fleet;
  private final Strategy delegate;

  ApertureStrategy(int size, Fleet fleet, Strategy delegate) {
    this.size = size;
    this.fleet = fleet;
    this.delegate = delegate;
  }

  @Override
  public Picker newPicker(Candidates candidates, Picker previous) {
    AperturePicker prev = previous instanceof AperturePicker p && p.owner == this ? p : null;
    Fleet.Position position = fleet.position();
    Map<String, Double> shares = prev != null && prev.pool == candidates.pool()
        && Objects.equals(prev.position, position)
        ? prev.shares
        : shares(candidates.pool(), size, position);
    Candidates chosen = shares == null ? candidates : scaled(candidates, shares);
    Picker inner = delegate.newPicker(chosen, prev == null ? null : prev.delegate);
    return new AperturePicker(this, candidates.pool(), position, shares, inner);
  }

  /** The window's servers by id with their shares, or null for the whole pool at share 1. */
  static Map<String, Double> shares(PoolSnapshot pool, int size, Fleet.Position position) {
    if (position == null) {
      return null;
    }
    Server[] servers = pool.servers().toArray(new Server[0]);
    Arrays.sort(servers, Comparator.comparing(Server::id));
    Aperture window = Aperture.of(servers.length, size, position);
    Map<String, Double> shares = new HashMap<>(window.servers.length * 2);
    for (int k = 0; k < window.servers.length; k++) {
      shares.put(servers[window.servers[k]].id(), window.shares[k]);
    }
    return shares;
  }

  private static Candidates scaled(Candidates candidates, Map<String, Double> shares) {
    Candidates in = candidates.filter(i -> shares.containsKey(candidates.server(i).id()));
    if (in.isEmpty()) {
      return candidates;
    }
    double[] factors = new double[in.size()];
    for (int i = 0; i < factors.length; i++) {
      factors[i] = shares.get(in.server(i).id());
    }
    return in.scaleRamp(factors);
  }

  /** The window reads no ramp; the delegate, reading the scaled one, decides. */
  @Override
  public boolean usesRamp() {
    return delegate.usesRamp();
  }

  @Override
  public void addChangeListener(Runnable listener) {
    fleet.addChangeListener(listener);
    delegate.addChangeListener(listener);
  }

  @Override
  public void removeChangeListener(Runnable listener) {
    fleet.removeChangeListener(listener);
    delegate.removeChangeListener(listener);
  }

  @Override
  public void onLoadReport() {
    delegate.onLoadReport();
  }

  @Override
  public String toString() {
    return "subset{size=" + size + ", " + fleet + ", " + delegate + '}';
  }

  static final class AperturePicker implements Picker {
    final ApertureStrategy owner;
    final PoolSnapshot pool;
    final Fleet.Position position;
    /** Null: the whole pool (position unknown). */
    final Map<String, Double> shares;
    final Picker delegate;

    AperturePicker(ApertureStrategy owner, PoolSnapshot pool, Fleet.Position position,
        Map<String, Double> shares, Picker delegate) {
      this.owner = owner;
      this.pool = pool;
      this.position = position;
      this.shares = shares;
      this.delegate = delegate;
    }

    @Override
    public Server pick(Request request) {
      return delegate.pick(request);
    }

    @Override
    public NoServerAvailableException refusal(Request request) {
      return delegate.refusal(request);
    }

    @Override
    public Picker copy(RandomSource random) {
      Picker d = delegate.copy(random);
      return d == null ? null : new AperturePicker(owner, pool, position, shares, d);
    }

    @Override
    public void describe(Request request, Server chosen, PickReport report) {
      delegate.describe(request, chosen, report);
      if (shares == null) {
        report.note("fleet position unknown: the whole pool is used");
        return;
      }
      report.note("aperture window of " + shares.size() + " servers at " + position);
      for (Server s : pool.servers()) {
        if (!shares.containsKey(s.id())) {
          report.leftOut(s, "outside this client's aperture window");
        }
      }
    }
  }
}
