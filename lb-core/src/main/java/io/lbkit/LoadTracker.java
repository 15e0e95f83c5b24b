package io.lbkit;

import io.lbkit.internal.Checks;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.ServerMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health tracker that records load and never ejects: every server with weight above 0 is a
 * candidate. It gives load-aware strategies (least connections, P2C, peak EWMA) their in-flight
 * counts and latencies without {@code lb-health}; {@code lb-health}'s monitor composes one
 * for its load figures.
 *
 * <p>State: one {@link ServerMetrics} per server id. An entry whose server has left the pool is
 * dropped at the next {@link #candidates} call once nothing is in flight on it, so entries never
 * outgrow the pool; subclasses may keep them longer through {@link #retain}.
 */
public class LoadTracker implements HealthTracker {
  private static final Logger log = LoggerFactory.getLogger(LoadTracker.class);

  /** The peak-EWMA time constant, as Finagle's and Envoy's default. */
  public static final Duration DEFAULT_EWMA_DECAY = Duration.ofSeconds(10);

  private final Ticker ticker;
  private final long decayNanos;
  private final ConcurrentHashMap<String, ServerMetrics> metrics = new ConcurrentHashMap<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final List<Runnable> reportListeners = new CopyOnWriteArrayList<>();

  /**
   * A tracker on {@code ticker}, for subclasses; others use the {@code create} methods.
   *
   * @param ticker the time source of every latency and EWMA figure
   * @param ewmaDecay the peak-EWMA time constant, in (0, 365 days]
   * @throws NullPointerException if {@code ticker} or {@code ewmaDecay} is null
   * @throws IllegalArgumentException if {@code ewmaDecay} is out of range
   */
  protected LoadTracker(Ticker ticker, Duration ewmaDecay) {
    this.ticker = Checks.notNull(ticker, "ticker");
    this.decayNanos = Checks.positive(ewmaDecay, "ewmaDecay").toNanos();
  }

  /**
   * A tracker on the system ticker with the default EWMA decay (10 s).
   *
   * @return a new tracker
   */
  public static LoadTracker create() {
    return new LoadTracker(Ticker.system(), DEFAULT_EWMA_DECAY);
  }

  /**
   * A tracker on {@code ticker} with the default EWMA decay (10 s).
   *
   * @param ticker the time source of every latency and EWMA figure
   * @return a new tracker
   * @throws NullPointerException if {@code ticker} is null
   */
  public static LoadTracker create(Ticker ticker) {
    return new LoadTracker(ticker, DEFAULT_EWMA_DECAY);
  }

  /**
   * A tracker on {@code ticker} with the given EWMA decay.
   *
   * @param ticker the time source of every latency and EWMA figure
   * @param ewmaDecay the peak-EWMA time constant, in (0, 365 days]
   * @return a new tracker
   * @throws NullPointerException if {@code ticker} or {@code ewmaDecay} is null
   * @throws IllegalArgumentException if {@code ewmaDecay} is out of range
   */
  public static LoadTracker create(Ticker ticker, Duration ewmaDecay) {
    return new LoadTracker(ticker, ewmaDecay);
  }

  @Override
  public Ticker ticker() {
    return ticker;
  }

  @Override
  public long onStart(Server server) {
    Checks.notNull(server, "server");
    metrics(server).onStart();
    return ticker.read();
  }

  @Override
  public void onSuccess(Server server, long startNanos, Permit permit) {
    Checks.notNull(server, "server");
    complete(server, startNanos, true);
  }

  @Override
  public void onFailure(Server server, long startNanos, Permit permit, Throwable error) {
    Checks.notNull(server, "server");
    complete(server, startNanos, false);
  }

  @Override
  public void onCancel(Server server, long startNanos, Permit permit) {
    Checks.notNull(server, "server");
    ServerMetrics m = metrics.get(server.id());
    if (m != null) {
      m.onRelease();
    }
  }

  /**
   * Records an outcome in the server's metrics: in-flight down by one, totals and latency up.
   *
   * @param server the server the call went to
   * @param startNanos what {@link #onStart} returned for the call
   * @param success whether the call succeeded
   * @return the server's metrics, or null if none are held (nothing recorded)
   */
  protected ServerMetrics complete(Server server, long startNanos, boolean success) {
    return complete(server, startNanos, success, ticker.read());
  }

  /**
   * As {@link #complete(Server, long, boolean)}, at a reading of {@link #ticker()} the caller
   * already took: a subclass that times the call for its own bookkeeping (a circuit breaker's
   * call duration) reads the clock once per outcome instead of twice.
   *
   * @param server the server the call went to
   * @param startNanos what {@link #onStart} returned for the call
   * @param success whether the call succeeded
   * @param nowNanos this tracker's ticker read at the call's end
   * @return the server's metrics, or null if none are held (nothing recorded)
   */
  protected ServerMetrics complete(Server server, long startNanos, boolean success,
      long nowNanos) {
    ServerMetrics m = metrics.get(server.id());
    if (m != null) {
      m.onComplete(nowNanos - startNanos, success, nowNanos);
    }
    return m;
  }

  /**
   * Kept in the server's metrics, then every load-report listener is told. A report for a server
   * that holds no metrics here (no call ever started on it, or its state was released since it
   * left) is dropped, so late reports cannot grow state past the pool.
   */
  @Override
  public void onLoadReport(Server server, LoadReport report) {
    Checks.notNull(server, "server");
    Checks.notNull(report, "report");
    ServerMetrics m = metrics.get(server.id());
    if (m == null) {
      return;
    }
    m.onLoadReport(report, ticker.read());
    for (Runnable r : reportListeners) {
      try {
        r.run();
      } catch (RuntimeException e) {
        log.warn("load report listener {} failed", r, e);
      }
    }
  }

  @Override
  public void addLoadReportListener(Runnable listener) {
    reportListeners.add(Checks.notNull(listener, "listener"));
  }

  @Override
  public void removeLoadReportListener(Runnable listener) {
    reportListeners.remove(listener);
  }

  @Override
  public boolean isAvailable(Server server) {
    return server.weight() > 0;
  }

  @Override
  public ServerStats stats(Server server) {
    Checks.notNull(server, "server");
    ServerMetrics m = metrics.get(server.id());
    if (m == null) {
      return new ServerStats(server, stateOf(server, null), 0, 0, 0, 0.0, 0.0, 0.0);
    }
    long now = ticker.read();
    long elapsed = now - m.createdNanos();
    double throughput = elapsed <= 0 ? 0.0 : m.requests() * 1e9 / elapsed;
    return new ServerStats(server, stateOf(server, m), m.inFlight(), m.requests(), m.failures(),
        m.ewmaLatencyNanos(now), m.averageLatencyNanos(), throughput);
  }

  /**
   * The state {@link #stats} reports: drained or draining by weight, else healthy. Subclasses add
   * ejection and slow start.
   *
   * @param server the server asked about
   * @param m its metrics, or null when none are held
   * @return its state
   */
  protected ServerState stateOf(Server server, ServerMetrics m) {
    if (server.isDrained()) {
      return m != null && m.inFlight() > 0 ? ServerState.DRAINING : ServerState.DRAINED;
    }
    return ServerState.HEALTHY;
  }

  @Override
  public ServerMetrics metrics(Server server) {
    ServerMetrics m = metrics.get(server.id());
    return m != null ? m : metrics.computeIfAbsent(server.id(),
        id -> new ServerMetrics(id, ticker.read(), decayNanos));
  }

  /**
   * The metrics held for a server id; never creates an entry.
   *
   * @param serverId the server's {@link Server#id()}
   * @return its metrics, or null when none are held
   */
  protected ServerMetrics metricsIfPresent(String serverId) {
    return metrics.get(serverId);
  }

  /** {@return how many per-server entries are held} For bounds checks and tests. */
  public int stateSize() {
    return metrics.size();
  }

  @Override
  public Candidates candidates(PoolSnapshot pool, RandomSource random) {
    retain(pool);
    List<Server> chosen = new ArrayList<>(pool.size());
    boolean anyWeighted = false;
    for (Server s : pool.servers()) {
      anyWeighted |= s.weight() > 0;
      if (isAvailable(s)) {
        chosen.add(s);
      }
    }
    NoServerAvailableException.Reason reason = pool.isEmpty()
        ? NoServerAvailableException.Reason.EMPTY_POOL
        : anyWeighted ? NoServerAvailableException.Reason.ALL_EJECTED
            : NoServerAvailableException.Reason.ALL_DRAINED;
    Server[] servers = chosen.toArray(new Server[0]);
    ServerMetrics[] m = new ServerMetrics[servers.length];
    for (int i = 0; i < servers.length; i++) {
      m[i] = metrics(servers[i]);
    }
    return Candidates.of(pool, servers, m, null, reason, random, ticker);
  }

  /**
   * Drops state of servers no longer in {@code pool} once nothing is in flight on them. Called on
   * the write path with every snapshot; lb-health overrides it to keep state for a grace period.
   *
   * @param pool the membership being compiled
   */
  protected void retain(PoolSnapshot pool) {
    dropMetricsIf(m -> pool.byId(m.serverId()) == null && m.inFlight() == 0);
  }

  /**
   * Drops every held metrics entry that {@code drop} accepts. For subclasses whose {@link #retain}
   * keeps state past the pool (lb-health's grace period) and must still release it later.
   *
   * @param drop accepts the entries to drop
   */
  protected final void dropMetricsIf(Predicate<ServerMetrics> drop) {
    metrics.values().removeIf(drop);
  }

  /**
   * Drops the entry of {@code serverId} if nothing is in flight on it. One map operation, for
   * subclasses that release the state of one server at a time.
   *
   * @param serverId the server's {@link Server#id()}
   * @return true when no entry is left for it
   */
  protected final boolean dropMetricsIfIdle(String serverId) {
    return metrics.computeIfPresent(serverId, (id, m) -> m.inFlight() == 0 ? null : m) == null;
  }

  @Override
  public void addChangeListener(Runnable listener) {
    listeners.add(Checks.notNull(listener, "listener"));
  }

  @Override
  public void removeChangeListener(Runnable listener) {
    listeners.remove(listener);
  }

  /** Tells every change listener that {@link #candidates} would now answer differently. */
  protected void fireChange() {
    for (Runnable r : listeners) {
      try {
        r.run();
      } catch (RuntimeException e) {
        log.warn("change listener {} failed", r, e);
      }
    }
  }
}
