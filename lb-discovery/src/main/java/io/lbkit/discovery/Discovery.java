package io.lbkit.discovery;

import io.lbkit.RandomSource;
import io.lbkit.Scheduler;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.Ticker;
import io.lbkit.internal.Checks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link ServerPool} in step with a {@link ServerSource}, and protects it from the
 * source's bad days. Built by {@link #builder(ServerSource, ServerPool)}; started by {@link
 * Builder#start()}; stopped by {@link #close()}.
 *
 * <p>What reaches the pool:
 *
 * <ul>
 *   <li>A list identical to the last one (same servers, in any order) is dropped: no pool update,
 *       no picker rebuild. Members keep their place; newcomers are appended.
 *   <li>Servers are matched by {@link Server#id()} ({@code host:port} unless set), so per-server
 *       state (in-flight counts, latency, ejection history) survives every update.
 *   <li>Additions and changes (weight, priority, zone) apply at once.
 *   <li>A server that leaves the list is drained first (weight 0, as {@link ServerPool#drain}
 *       does: no new calls, calls in flight finish) and removed after the {@linkplain
 *       Builder#removalDelay removal delay}; listed again within the delay, it is restored as
 *       it is listed, with its state intact.
 *   <li>The last good list is kept when the source fails, and when it answers an empty list
 *       (unless {@link Builder#allowEmpty()}), a null list, or one with null or duplicate
 *       servers: the answer is rejected, counted as a failure, and the pool keeps what it has.
 * </ul>
 *
 * <p>Removal delay, 30 s by default: a server usually leaves discovery because it is shutting
 * down, and Kubernetes gives a terminating pod 30 s by default; Finagle keeps a departed member
 * "in limbo" for a ZooKeeper session timeout for the same reason, and Envoy keeps a host removed
 * from EDS until its health checks fail. Drained servers take no new calls, so the delay costs
 * only memory, and it lets a registry blip (an expired session re-registered, a deploy's
 * overlap) pass without resetting connection pools and health history.
 *
 * <p>Threading: every method is safe from any thread. Reports from the source, removal timers
 * and {@link #refresh()} are serialised by one lock; the pool is updated under it, so the pool's
 * listeners (the selectors' rebuilds) run there. {@link DiscoveryListener}s and the {@link
 * #ready()} future are called after the lock is released, one at a time, in order. Given a
 * {@linkplain Builder#scheduler scheduler} and an {@linkplain Builder#executor executor}, a
 * binder starts no thread; otherwise it owns a timer thread and up to four lookup threads
 * ({@code lbkit-discovery-N-*}, daemons), which {@link #close()} stops.
 *
 * <p>Logging (SLF4J, logger {@code io.lbkit.discovery.Discovery}): INFO for every change to the
 * pool and for a source's recovery; WARN once per outage for a failing source, with further
 * failures of the same outage at DEBUG.
 */
public final class Discovery implements AutoCloseable {
  /** How long a server that left the source's list stays in the pool, drained: 30 s. */
  public static final Duration DEFAULT_REMOVAL_DELAY = Duration.ofSeconds(30);
  /** The least time between two lookups asked by {@link #refresh()}: 5 s. */
  public static final Duration DEFAULT_MIN_REFRESH_INTERVAL = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(Discovery.class);
  private static final AtomicInteger IDS = new AtomicInteger();
  /** Up to this many lookups may hang at once on an owned executor before the next is refused. */
  private static final int OWNED_LOOKUP_THREADS = 4;

  private final String name;
  private final ServerSource source;
  private final ServerPool pool;
  private final Duration removalDelay;
  private final boolean allowEmpty;
  private final long minRefreshNanos;
  private final Duration readyTimeout;
  private final DiscoveryListener listener;
  private final Ticker ticker;
  private final Scheduler scheduler;
  private final Executor executor;
  private final RandomSource random;
  private final List<ExecutorService> owned = new ArrayList<>();
  private final CompletableFuture<List<Server>> ready = new CompletableFuture<>();
  private final SerialEvents events;

  private final Object lock = new Object();
  // Guarded by lock.
  private final Membership membership;
  private final long startedAt;
  private boolean closed;
  private long version;
  private List<Server> lastAccepted; // the last list that changed the pool, in its order
  private int failures;
  private long outageStartedAt;
  private Throwable lastError;
  private long lastErrorAt;
  private long lastSuccessAt;
  private boolean succeeded;
  private Future<?> removalTimer;
  private long removalTimerAt;
  private Future<?> refreshTask;
  private long lastRefreshAt;
  private boolean refreshed;
  private Future<?> readyTimer;

  private Discovery(Builder b) {
    int id = IDS.incrementAndGet();
    this.source = b.source;
    this.pool = b.pool;
    this.name = b.name != null ? b.name : String.valueOf(b.source);
    this.removalDelay = b.removalDelay;
    this.allowEmpty = b.allowEmpty;
    this.minRefreshNanos = b.minRefreshInterval.toNanos();
    this.readyTimeout = b.readyTimeout;
    this.listener = b.listener;
    this.ticker = b.ticker;
    this.random = b.random;
    this.scheduler = b.scheduler != null ? b.scheduler : Threads.ownedScheduler(id, owned);
    this.executor = b.executor != null ? b.executor
        : Threads.ownedLookups(id, OWNED_LOOKUP_THREADS, owned);
    this.membership = new Membership(pool.servers(), removalDelay.toNanos());
    this.startedAt = ticker.read();
    this.events = new SerialEvents(e -> log.warn("discovery {}: a listener failed", name, e));
  }

  /**
   * A builder of a binder that fills {@code pool} from {@code source}. The pool's current
   * servers (a bootstrap list, say) stay until the first list says otherwise; from then on the
   * binder owns the pool's membership, and changes others make to it are overwritten by the next
   * change.
   *
   * @param source where the servers come from; started by {@link Builder#start()}, closed by
   *     {@link #close()}
   * @param pool the pool to keep in step
   * @return a new builder with the defaults
   * @throws NullPointerException if either is null
   */
  public static Builder builder(ServerSource source, ServerPool pool) {
    return new Builder(Checks.notNull(source, "source"), Checks.notNull(pool, "pool"));
  }

  /**
   * A future that completes with the first list accepted, or fails with a {@link
   * TimeoutException} (its cause the source's last error, if any) once the {@linkplain
   * Builder#readyTimeout ready timeout} has passed without one, or with an {@link
   * IllegalStateException} if the binder is closed first. Once failed, it stays failed even if a
   * list comes later: {@link #status()} tells.
   *
   * @return a copy of the future: completing it changes nothing here
   */
  public CompletableFuture<List<Server>> ready() {
    return ready.copy();
  }

  /** {@return the binder's state now} */
  public DiscoveryStatus status() {
    synchronized (lock) {
      return statusAt(ticker.read());
    }
  }

  /**
   * A hint that the list may be stale (every server just failed, say): asks the source to look
   * again, at most once per {@linkplain Builder#minRefreshInterval minimum refresh interval}. A
   * call within the interval schedules one lookup at its end, unless one is already scheduled.
   * Never blocks: the source is asked on the scheduler.
   *
   * @return true if a lookup was asked for by this call (now or at the interval's end), false if
   *     one was already pending or the binder is closed
   */
  public boolean refresh() {
    synchronized (lock) {
      if (closed || refreshTask != null) {
        return false;
      }
      long now = ticker.read();
      long delay = refreshed ? Math.max(0, lastRefreshAt + minRefreshNanos - now) : 0;
      refreshTask = schedule(this::refreshNow, delay);
      return refreshTask != null;
    }
  }

  /**
   * Stops the source and every timer; the pool keeps the servers it has (servers still draining
   * stay drained). Idempotent.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      cancel(removalTimer);
      cancel(refreshTask);
      cancel(readyTimer);
    }
    try {
      source.close();
    } catch (RuntimeException e) {
      log.warn("discovery {}: closing the source failed", name, e);
    }
    ready.completeExceptionally(
        new IllegalStateException("discovery " + name + " was closed before its first list"));
    for (ExecutorService e : owned) {
      e.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "Discovery{" + name + '}';
  }

  // ---- start ---------------------------------------------------------------------------------

  private void begin() {
    if (readyTimeout != null) {
      synchronized (lock) {
        readyTimer = schedule(this::readyTimedOut, readyTimeout.toNanos());
      }
    }
    ServerSource.Context context = new Context();
    try {
      source.start(new Reports(), context);
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  /** What the source reports, passed on to the binder; nothing thrown here reaches the source. */
  private final class Reports implements ServerSource.Listener {
    @Override
    public void onServers(List<Server> servers) {
      try {
        received(servers);
      } catch (RuntimeException e) {
        log.error("discovery {}: handling a list failed", name, e);
      } finally {
        events.drain();
      }
    }

    @Override
    public void onError(Throwable error) {
      try {
        synchronized (lock) {
          if (!closed) {
            failed(error != null ? error
                : new NullPointerException("error: null (expected: the source's failure)"),
                true, ticker.read());
          }
        }
      } finally {
        events.drain();
      }
    }

    @Override
    public String toString() {
      return "the listener of " + Discovery.this;
    }
  }

  private final class Context implements ServerSource.Context {
    @Override
    public Ticker ticker() {
      return ticker;
    }

    @Override
    public Scheduler scheduler() {
      return scheduler;
    }

    @Override
    public Executor executor() {
      return executor;
    }

    @Override
    public RandomSource random() {
      return random;
    }
  }

  // ---- the write path (all under lock) -------------------------------------------------------

  private void received(List<Server> servers) {
    synchronized (lock) {
      if (closed) {
        return;
      }
      long now = ticker.read();
      if (lastAccepted != null && lastAccepted.equals(servers)) {
        // The common case, every poll of a stable registry: the same servers in the same order,
        // told apart from a change without building anything.
        succeeded(null, now);
        return;
      }
      Map<String, Server> byId;
      try {
        byId = ServerLists.byId(servers);
      } catch (RuntimeException rejected) {
        failed(rejected, false, now);
        return;
      }
      if (byId.isEmpty() && !allowEmpty) {
        failed(new IllegalArgumentException(Checks.describe("servers", "[]",
            "at least one server; Discovery.Builder.allowEmpty() accepts empty answers")),
            false, now);
        return;
      }
      succeeded(byId, now);
    }
  }

  /** A usable list; {@code byId} is null when it is the last accepted list again. */
  private void succeeded(Map<String, Server> byId, long now) {
    lastSuccessAt = now;
    succeeded = true;
    if (failures > 0) {
      log.info("discovery {}: the source answered again after {} failed {} over {}", name,
          failures, failures == 1 ? "attempt" : "attempts",
          Durations.readable(now - outageStartedAt));
      failures = 0;
      DiscoveryStatus status = statusAt(now);
      events.add(() -> listener.onSourceRecovered(status));
    }
    Membership.Change change = byId == null ? null : membership.apply(byId, now);
    if (change == null) {
      log.debug("discovery {}: the same servers again", name);
      return;
    }
    lastAccepted = List.copyOf(byId.values());
    version++;
    publish(change.servers);
    MembershipChange event = new MembershipChange(version, change);
    if (change.draining.isEmpty()) {
      log.info("discovery {}: {}; {} in the pool", name, event, servers(change.servers.size()));
    } else {
      log.info("discovery {}: {}; {} in the pool, the draining ones removed in {} unless listed "
          + "again", name, event, servers(change.servers.size()),
          Durations.readable(removalDelay));
    }
    events.add(() -> listener.onChange(event));
    if (version == 1) {
      cancel(readyTimer);
      List<Server> first = lastAccepted;
      events.add(() -> ready.complete(first));
    }
    armRemovalTimer(now);
  }

  private void failed(Throwable error, boolean fromSource, long now) {
    failures++;
    lastError = error;
    lastErrorAt = now;
    if (failures == 1) {
      outageStartedAt = now;
      // Once per outage: a source failing every second must not fill the log. The message
      // says what failed; the stack trace, rarely more use than that, is at DEBUG.
      log.warn("discovery {}: {}: {}; the pool keeps its {} until a usable answer (further "
          + "failures of this outage are logged at DEBUG)", name,
          fromSource ? "the source failed" : "the source's answer was rejected",
          fromSource ? error.toString() : error.getMessage(), servers(membership.size()));
      log.debug("discovery {}: the failure", name, error);
    } else {
      log.debug("discovery {}: failure {} in a row: {}", name, failures, error.toString());
    }
    DiscoveryStatus status = statusAt(now);
    events.add(() -> listener.onSourceFailure(error, status));
  }

  private void removeDue() {
    try {
      synchronized (lock) {
        if (closed) {
          return;
        }
        removalTimer = null;
        long now = ticker.read();
        Membership.Change change = membership.removeDue(now);
        if (change != null) {
          publish(change.servers);
          MembershipChange event = new MembershipChange(version, change);
          log.info("discovery {}: removed {} [{}] after the {} removal delay; {} in the pool",
              name, change.removed.size(), ids(change.removed), Durations.readable(removalDelay),
              servers(change.servers.size()));
          events.add(() -> listener.onChange(event));
        }
        armRemovalTimer(now);
      }
    } finally {
      events.drain();
    }
  }

  private void armRemovalTimer(long now) {
    if (!membership.hasLeaving()) {
      cancel(removalTimer);
      removalTimer = null;
      return;
    }
    long due = membership.nextRemovalAt();
    if (removalTimer != null && removalTimerAt - due <= 0) {
      return; // it fires first and arms the next one
    }
    cancel(removalTimer);
    removalTimer = schedule(this::removeDue, Math.max(0, due - now));
    removalTimerAt = due;
  }

  private void publish(List<Server> servers) {
    try {
      pool.update(servers);
    } catch (RuntimeException e) {
      // Cannot happen for a validated list; logged rather than lost if it does.
      log.error("discovery {}: the pool refused {} servers", name, servers.size(), e);
    }
  }

  private void refreshNow() {
    synchronized (lock) {
      refreshTask = null;
      if (closed) {
        return;
      }
      lastRefreshAt = ticker.read();
      refreshed = true;
    }
    try {
      source.refresh();
    } catch (RuntimeException e) {
      log.warn("discovery {}: the source's refresh failed", name, e);
    }
  }

  private void readyTimedOut() {
    TimeoutException timeout;
    synchronized (lock) {
      if (closed || version > 0) {
        return;
      }
      timeout = new TimeoutException("discovery " + name + ": no list within "
          + Durations.readable(readyTimeout)
          + (lastError == null ? " and no error from the source" : "; see the cause"));
      if (lastError != null) {
        timeout.initCause(lastError);
      }
      log.warn("discovery {}: not ready after {}{}", name, Durations.readable(readyTimeout),
          lastError == null ? "; the source has not answered" : "; last error: " + lastError);
      events.add(() -> ready.completeExceptionally(timeout));
    }
    events.drain();
  }

  private DiscoveryStatus statusAt(long now) {
    Duration sinceSuccess = succeeded ? Duration.ofNanos(now - lastSuccessAt) : null;
    Duration sinceError = lastError != null ? Duration.ofNanos(now - lastErrorAt) : null;
    Duration staleness = sinceSuccess != null ? sinceSuccess : Duration.ofNanos(now - startedAt);
    return new DiscoveryStatus(version, membership.size(), membership.leavingCount(), failures,
        lastError, sinceSuccess, sinceError, staleness);
  }

  private Future<?> schedule(Runnable task, long delayNanos) {
    try {
      return scheduler.schedule(task, delayNanos);
    } catch (RejectedExecutionException e) {
      log.warn("discovery {}: the scheduler refused a timer; it will not fire", name);
      return null;
    }
  }

  private static void cancel(Future<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }

  private static String servers(int n) {
    return n == 1 ? "1 server" : n + " servers";
  }

  private static String ids(List<Server> servers) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < servers.size() && i < MembershipChange.IDS_SHOWN; i++) {
      sb.append(i == 0 ? "" : ", ").append(servers.get(i).id());
    }
    if (servers.size() > MembershipChange.IDS_SHOWN) {
      sb.append(", ... ").append(servers.size() - MembershipChange.IDS_SHOWN).append(" more");
    }
    return sb.toString();
  }

  /** Builds and starts a {@link Discovery}; every setter validates its argument at once. */
  public static final class Builder {
    private final ServerSource source;
    private final ServerPool pool;
    private String name;
    private Duration removalDelay = DEFAULT_REMOVAL_DELAY;
    private boolean allowEmpty;
    private Duration minRefreshInterval = DEFAULT_MIN_REFRESH_INTERVAL;
    private Duration readyTimeout;
    private DiscoveryListener listener = new DiscoveryListener() {};
    private Ticker ticker = Ticker.system();
    private Scheduler scheduler;
    private Executor executor;
    private RandomSource random = RandomSource.threadLocal();

    private Builder(ServerSource source, ServerPool pool) {
      this.source = source;
      this.pool = pool;
    }

    /**
     * Names the binder in log lines and {@code toString} (default: the source's {@code
     * toString}).
     *
     * @param name for example the upstream service's name
     * @return this builder
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public Builder name(String name) {
      this.name = Checks.notBlank(name, "name");
      return this;
    }

    /**
     * Sets how long a server that left the source's list stays in the pool, drained, before it is
     * removed (default 30 s, see the class comment). {@link Duration#ZERO} removes at once.
     *
     * @param delay in [0, 365 days]
     * @return this builder
     * @throws NullPointerException if {@code delay} is null
     * @throws IllegalArgumentException if {@code delay} is negative or above 365 days
     */
    public Builder removalDelay(Duration delay) {
      this.removalDelay = Checks.nonNegative(delay, "removalDelay");
      return this;
    }

    /**
     * Accepts an empty list as the truth: every server then drains and leaves after the removal
     * delay. Off by default, when an empty answer is rejected and the pool keeps its servers,
     * because a registry that answers "nobody" is far more often broken than right (Dubbo's
     * empty-push protection; Spring Cloud LoadBalancer's lack of it empties pools in registry
     * outages, spring-cloud-commons#1215).
     *
     * @return this builder
     */
    public Builder allowEmpty() {
      this.allowEmpty = true;
      return this;
    }

    /**
     * Sets the least time between two lookups asked by {@link Discovery#refresh()} (default 5 s),
     * so that a burst of failing calls asks the source once, not once per call.
     *
     * @param interval in (0, 365 days]
     * @return this builder
     * @throws NullPointerException if {@code interval} is null
     * @throws IllegalArgumentException if {@code interval} is out of range
     */
    public Builder minRefreshInterval(Duration interval) {
      this.minRefreshInterval = Checks.positive(interval, "minRefreshInterval");
      return this;
    }

    /**
     * Makes {@link Discovery#ready()} fail if no list is accepted within {@code timeout} of the
     * start. Without it, {@code ready()} waits as long as it takes.
     *
     * @param timeout in (0, 365 days]
     * @return this builder
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is out of range
     */
    public Builder readyTimeout(Duration timeout) {
      this.readyTimeout = Checks.positive(timeout, "readyTimeout");
      return this;
    }

    /**
     * Sets the listener told of every change, failure and recovery (default: none).
     *
     * @param listener see {@link DiscoveryListener} for its threading
     * @return this builder
     * @throws NullPointerException if {@code listener} is null
     */
    public Builder listener(DiscoveryListener listener) {
      this.listener = Checks.notNull(listener, "listener");
      return this;
    }

    /**
     * Sets the clock (default {@link Ticker#system()}); give the one the scheduler runs on.
     *
     * @param ticker read for deadlines, rate limits and the status
     * @return this builder
     * @throws NullPointerException if {@code ticker} is null
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = Checks.notNull(ticker, "ticker");
      return this;
    }

    /**
     * Sets the timers for removals, refreshes, the ready timeout and the source's lookups
     * (default: a daemon thread of the binder's own, stopped by {@code close()}).
     *
     * @param scheduler never shut down by the binder
     * @return this builder
     * @throws NullPointerException if {@code scheduler} is null
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Checks.notNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Sets where the source's blocking lookups run (default: up to four daemon threads of the
     * binder's own, stopped by {@code close()}).
     *
     * @param executor never shut down by the binder
     * @return this builder
     * @throws NullPointerException if {@code executor} is null
     */
    public Builder executor(Executor executor) {
      this.executor = Checks.notNull(executor, "executor");
      return this;
    }

    /**
     * Sets the randomness for the source's backoff jitter (default {@link
     * RandomSource#threadLocal()}); tests pass a seeded one.
     *
     * @param random the source of jitter
     * @return this builder
     * @throws NullPointerException if {@code random} is null
     */
    public Builder random(RandomSource random) {
      this.random = Checks.notNull(random, "random");
      return this;
    }

    /**
     * Builds the binder and starts its source, which may report its first list before this
     * returns.
     *
     * @return the running binder; close it to stop
     * @throws RuntimeException whatever the source's {@code start} threw, after closing the
     *     binder
     */
    public Discovery start() {
      Discovery d = new Discovery(this);
      d.begin();
      return d;
    }
  }
}
