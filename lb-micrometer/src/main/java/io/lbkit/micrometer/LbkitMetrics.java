package io.lbkit.micrometer;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.lbkit.NoServerAvailableException;
import io.lbkit.PoolListener;
import io.lbkit.PoolSnapshot;
import io.lbkit.Server;
import io.lbkit.ServerState;
import io.lbkit.ServerStats;
import io.lbkit.failover.AttemptKind;
import io.lbkit.failover.BalancerCounters;
import io.lbkit.failover.CallListener;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.failover.Outcome;
import io.lbkit.health.EjectionReason;
import io.lbkit.health.HealthListener;
import io.lbkit.health.HealthMonitor;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Binds the meters of one {@link LoadBalancer} to Micrometer registries.
 *
 * <pre>{@code
 * LbkitMetrics metrics = LbkitMetrics.of(lb, "inventory");
 * metrics.bindTo(registry);
 * // ... metrics.close() when the balancer goes, to remove its meters
 * }</pre>
 *
 * <p><b>Meters</b>, each tagged {@code service} (and any {@link Builder#tags common tags}):
 * <ul>
 *   <li>{@code lbkit.servers} (gauge, tag {@code state}: healthy, slow_start, ejected, draining,
 *       drained): members of the pool in each state;
 *   <li>{@code lbkit.breakers} (gauge, tag {@code state}: open, half_open): members whose
 *       circuit breaker is in that state;
 *   <li>{@code lbkit.panic} (gauge): 1 while the last picker was built in panic mode, else 0;
 *   <li>{@code lbkit.ejections} (counter, tag {@code reason}): ejections by detector;
 *   <li>{@code lbkit.attempts} (counter, tag {@code kind}: first, retry, hedge, fork, fail_back,
 *       broadcast): attempts begun; {@code kind=first} counts the calls;
 *   <li>{@code lbkit.retry.budget.refusals} (counter, tag {@code kind}): extra attempts the
 *       retry budget refused;
 *   <li>{@code lbkit.refusals} (counter, tag {@code reason}): picks and calls refused for want of
 *       a server (Spring Cloud LoadBalancer's "discard"), by {@link
 *       NoServerAvailableException.Reason};
 *   <li>{@code lbkit.pool.updates}, {@code lbkit.picker.publications} (counters): pool changes
 *       followed, pickers published;
 *   <li>per server, tagged {@code server} (its id): {@code lbkit.server.in.flight} (gauge),
 *       {@code lbkit.server.requests} (counter, tag {@code outcome}: success, failure) and
 *       {@code lbkit.server.latency.ewma} (time gauge, NaN before its first call ends);
 *   <li>opt-in ({@link Builder#attemptTimer()}): {@code lbkit.attempt.duration} (timer, tags
 *       {@code kind} and {@code outcome}: success, failure, not_sent, timeout, cancelled).
 * </ul>
 * The server states, breakers, panic and ejections need the balancer's own {@link HealthMonitor}
 * (the default); with a {@link LoadBalancer.Builder#tracker tracker} of the application's they
 * are left out. The breakers' own meters come from resilience4j-micrometer, bound to {@link
 * HealthMonitor#breakerRegistry()} unchanged.
 *
 * <p><b>Cost.</b> Gauges and function counters read, at scrape time, what the balancer counts
 * anyway: binding adds nothing to {@code choose()} or to a call. A state gauge is one pass over
 * the members per scrape. The attempt timer is the exception: one timer record per attempt.
 *
 * <p><b>Per-server meters</b> are registered when a server joins the pool and removed when the
 * monitor releases its state ({@link HealthListener#onReleased}): at once for a server that left
 * healthy, after the state grace period for one that left ejected or with an open breaker, so a
 * server that flaps out and back keeps its series. Without the balancer's monitor, they go when
 * the server leaves. So the meters never outgrow the pool.
 *
 * <p><b>Threading.</b> Thread-safe; may be bound to several registries. Meters hold the balancer
 * weakly, as Micrometer's gauges do: once it is collected they read NaN. {@link #close()} removes
 * every meter this binder registered and stops following the balancer.
 */
public final class LbkitMetrics implements MeterBinder, AutoCloseable {
  private static final ServerState[] GAUGED_STATES = {ServerState.HEALTHY,
      ServerState.SLOW_START, ServerState.EJECTED, ServerState.DRAINING, ServerState.DRAINED};
  private static final Outcome[] OUTCOMES = Outcome.values();

  private final LoadBalancer balancer;
  private final HealthMonitor monitor; // null: the balancer's tracker is the application's
  private final Tags tags;
  private final boolean attemptTimer;

  private final Object lock = new Object();
  // Guarded by lock.
  private final List<MeterRegistry> registries = new ArrayList<>();
  private final List<Meter> balancerMeters = new ArrayList<>();
  private final Map<String, Map<MeterRegistry, List<Meter>>> serverMeters = new HashMap<>();
  // Read by the timing listener without the lock.
  private final List<AttemptTimers> timers = new CopyOnWriteArrayList<>();
  private boolean following;
  private boolean closed;

  private final PoolListener poolListener = (previous, current) -> follow(previous, current);
  private final HealthListener releases = new HealthListener() {
    @Override
    public void onReleased(Server server) {
      synchronized (lock) {
        if (balancer.pool().snapshot().byId(server.id()) == null) {
          removeServer(server.id());
        }
      }
    }
  };
  private final CallListener timing = new CallListener() {
    @Override
    public void onAttemptEnded(AttemptKind kind, Server server, Outcome outcome,
        long durationNanos) {
      for (AttemptTimers t : timers) {
        t.byOutcome[kind.ordinal()][outcome.ordinal()].record(durationNanos,
            TimeUnit.NANOSECONDS);
      }
    }

    @Override
    public void onAttemptCancelled(AttemptKind kind, Server server, long durationNanos) {
      for (AttemptTimers t : timers) {
        t.cancelled[kind.ordinal()].record(durationNanos, TimeUnit.NANOSECONDS);
      }
    }
  };

  private LbkitMetrics(Builder b) {
    this.balancer = b.balancer;
    this.monitor = b.balancer.tracker() instanceof HealthMonitor m ? m : null;
    this.tags = Tags.of("service", b.service).and(b.tags);
    this.attemptTimer = b.attemptTimer;
  }

  /**
   * The binder of {@code balancer}'s meters with the default options, tagged {@code
   * service=<service>}.
   *
   * @param balancer the balancer to measure; stays the caller's
   * @param service the name of the service it balances over, the value of the {@code service} tag
   * @return the binder, to {@link #bindTo} a registry
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code service} is blank
   */
  public static LbkitMetrics of(LoadBalancer balancer, String service) {
    return builder(balancer, service).build();
  }

  /**
   * Starts a binder with options: common tags, the attempt timer.
   *
   * @param balancer the balancer to measure; stays the caller's
   * @param service the name of the service it balances over, the value of the {@code service} tag
   * @return a new builder
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code service} is blank
   */
  public static Builder builder(LoadBalancer balancer, String service) {
    return new Builder(balancer, service);
  }

  /**
   * Registers the meters in {@code registry} and, on the first registry, starts following the
   * pool and the monitor so that per-server meters come and go with the servers.
   *
   * @param registry the registry to add the meters to
   * @throws NullPointerException if {@code registry} is null
   * @throws IllegalStateException if this binder was closed
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    boolean first;
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("LbkitMetrics for " + tags + " is closed");
      }
      if (registries.contains(registry)) {
        return;
      }
      registries.add(registry);
      bindBalancer(registry);
      first = !following;
      following = true;
    }
    if (first) {
      // Registered outside the lock: the pool and the monitor call back into it.
      if (monitor != null) {
        monitor.addListener(releases);
      }
      balancer.pool().addListener(poolListener);
      if (attemptTimer) {
        balancer.addCallListener(timing);
      }
    }
    synchronized (lock) {
      for (Server s : balancer.pool().servers()) {
        addServer(s, registry);
      }
    }
  }

  /** Removes every meter this binder registered and stops following the balancer. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    balancer.pool().removeListener(poolListener);
    if (monitor != null) {
      monitor.removeListener(releases);
    }
    balancer.removeCallListener(timing);
    synchronized (lock) {
      for (String id : new ArrayList<>(serverMeters.keySet())) {
        removeServer(id);
      }
      for (Meter m : balancerMeters) {
        for (MeterRegistry r : registries) {
          r.remove(m);
        }
      }
      balancerMeters.clear();
      timers.clear();
      registries.clear();
    }
  }

  @Override
  public String toString() {
    return "LbkitMetrics{" + tags + ", " + registries.size() + " registries}";
  }

  // ---- balancer-wide meters --------------------------------------------------------------

  private void bindBalancer(MeterRegistry r) {
    LoadBalancer lb = balancer;
    for (AttemptKind k : AttemptKind.values()) {
      counter(r, "lbkit.attempts", "attempts begun, by why they were made", lb,
          b -> b.counters().attempts(k), Tags.of("kind", lower(k)));
      if (k != AttemptKind.FIRST && k != AttemptKind.BROADCAST) {
        counter(r, "lbkit.retry.budget.refusals", "extra attempts the retry budget refused", lb,
            b -> b.counters().budgetRefusals(k), Tags.of("kind", lower(k)));
      }
    }
    for (NoServerAvailableException.Reason reason : NoServerAvailableException.Reason.values()) {
      counter(r, "lbkit.refusals", "picks and calls refused for want of a server", lb,
          b -> b.counters().refusals(reason), Tags.of("reason", lower(reason)));
    }
    counter(r, "lbkit.pool.updates", "pool changes the balancer followed", lb,
        b -> b.counters().poolUpdates(), Tags.empty());
    counter(r, "lbkit.picker.publications", "pickers the balancer published", lb,
        b -> b.counters().pickerPublications(), Tags.empty());
    if (monitor != null) {
      HealthMonitor m = monitor;
      for (ServerState s : GAUGED_STATES) {
        gauge(r, "lbkit.servers", "members of the pool in each state", m,
            h -> h.serverCount(s), Tags.of("state", lower(s)));
      }
      gauge(r, "lbkit.breakers", "members whose circuit breaker is in each state", m,
          h -> h.breakerCount(CircuitBreaker.State.OPEN), Tags.of("state", "open"));
      gauge(r, "lbkit.breakers", "members whose circuit breaker is in each state", m,
          h -> h.breakerCount(CircuitBreaker.State.HALF_OPEN), Tags.of("state", "half_open"));
      gauge(r, "lbkit.panic", "1 while the balancer chooses among all servers in panic mode", m,
          h -> h.isPanicking() ? 1 : 0, Tags.empty());
      for (EjectionReason reason : EjectionReason.values()) {
        counter(r, "lbkit.ejections", "ejections, by the detector that made them", m,
            h -> h.ejections(reason), Tags.of("reason", lower(reason)));
      }
    }
    if (attemptTimer) {
      timers.add(new AttemptTimers(r, tags));
    }
  }

  private <T> void counter(MeterRegistry r, String name, String description, T obj,
      ToDoubleFunction<T> f, Tags extra) {
    balancerMeters.add(FunctionCounter.builder(name, obj, f).description(description)
        .tags(tags).tags(extra).register(r));
  }

  private <T> void gauge(MeterRegistry r, String name, String description, T obj,
      ToDoubleFunction<T> f, Tags extra) {
    balancerMeters.add(Gauge.builder(name, obj, f).description(description).tags(tags)
        .tags(extra).register(r));
  }

  /** The attempt timers of one registry, made up front so that recording looks nothing up. */
  private static final class AttemptTimers {
    final Timer[][] byOutcome = new Timer[AttemptKind.values().length][OUTCOMES.length];
    final Timer[] cancelled = new Timer[AttemptKind.values().length];

    AttemptTimers(MeterRegistry r, Tags tags) {
      for (AttemptKind k : AttemptKind.values()) {
        for (Outcome o : OUTCOMES) {
          byOutcome[k.ordinal()][o.ordinal()] = timer(r, tags, k, lower(o));
        }
        cancelled[k.ordinal()] = timer(r, tags, k, "cancelled");
      }
    }

    private static Timer timer(MeterRegistry r, Tags tags, AttemptKind k, String outcome) {
      return Timer.builder("lbkit.attempt.duration")
          .description("attempts from start to end, by kind and outcome")
          .tags(tags).tags("kind", lower(k), "outcome", outcome).register(r);
    }
  }

  // ---- per-server meters -----------------------------------------------------------------

  private void follow(PoolSnapshot previous, PoolSnapshot current) {
    synchronized (lock) {
      if (closed) {
        return;
      }
      for (Server s : current.servers()) {
        for (MeterRegistry r : registries) {
          addServer(s, r);
        }
      }
      if (monitor == null) { // no release to wait for: a departed server's meters go now
        for (Server s : previous.servers()) {
          if (current.byId(s.id()) == null) {
            removeServer(s.id());
          }
        }
      }
    }
  }

  // Guarded by lock. A server already measured in r keeps its meters.
  private void addServer(Server s, MeterRegistry r) {
    Map<MeterRegistry, List<Meter>> byRegistry =
        serverMeters.computeIfAbsent(s.id(), id -> new IdentityHashMap<>());
    if (byRegistry.containsKey(r)) {
      return;
    }
    List<Meter> meters = new ArrayList<>(4);
    byRegistry.put(r, meters);
    LoadBalancer lb = balancer;
    Tags t = tags.and(Tag.of("server", s.id()));
    meters.add(Gauge.builder("lbkit.server.in.flight", lb, b -> stats(b, s).inFlight())
        .description("calls in flight to the server").tags(t).register(r));
    meters.add(FunctionCounter.builder("lbkit.server.requests", lb, b -> successes(stats(b, s)))
        .description("calls the server ended, by outcome").tags(t).tag("outcome", "success")
        .register(r));
    meters.add(FunctionCounter.builder("lbkit.server.requests", lb, b -> stats(b, s).failures())
        .description("calls the server ended, by outcome").tags(t).tag("outcome", "failure")
        .register(r));
    meters.add(TimeGauge.builder("lbkit.server.latency.ewma", lb, TimeUnit.NANOSECONDS,
            b -> ewmaNanos(stats(b, s)))
        .description("the server's latency as its load-aware strategy sees it (EWMA)")
        .tags(t).register(r));
  }

  // Guarded by lock.
  private void removeServer(String id) {
    Map<MeterRegistry, List<Meter>> byRegistry = serverMeters.remove(id);
    if (byRegistry != null) {
      byRegistry.forEach((r, meters) -> meters.forEach(r::remove));
    }
  }

  private static double successes(ServerStats stats) {
    return stats.requests() - stats.failures();
  }

  private static ServerStats stats(LoadBalancer lb, Server s) {
    return lb.tracker().stats(s);
  }

  private static double ewmaNanos(ServerStats stats) {
    return stats.requests() == 0 ? Double.NaN : stats.ewmaLatencyNanos();
  }

  private static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  /** Options of an {@link LbkitMetrics}; {@link #build()} makes it. */
  public static final class Builder {
    private final LoadBalancer balancer;
    private final String service;
    private Tags tags = Tags.empty();
    private boolean attemptTimer;

    private Builder(LoadBalancer balancer, String service) {
      this.balancer = Objects.requireNonNull(balancer, "balancer");
      Objects.requireNonNull(service, "service");
      if (service.isBlank()) {
        throw new IllegalArgumentException(
            "service: \"" + service + "\" (expected: a service name, not blank)");
      }
      this.service = service;
    }

    /**
     * Adds tags to every meter, beside {@code service} (a client name, a region...).
     *
     * @param tags the tags, as Micrometer takes them
     * @return this builder
     * @throws NullPointerException if {@code tags} is null
     */
    public Builder tags(Iterable<Tag> tags) {
      this.tags = this.tags.and(Objects.requireNonNull(tags, "tags"));
      return this;
    }

    /**
     * Also times every attempt ({@code lbkit.attempt.duration}, by kind and outcome). Off by
     * default: unlike the other meters, it costs something per attempt (one timer record).
     *
     * @return this builder
     */
    public Builder attemptTimer() {
      this.attemptTimer = true;
      return this;
    }

    /** {@return the binder} */
    public LbkitMetrics build() {
      return new LbkitMetrics(this);
    }
  }
}
