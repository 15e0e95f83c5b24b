package io.lbkit.strategy;

import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Scheduler;
import io.lbkit.Server;
import io.lbkit.Ticker;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.ProbeResult;
import io.lbkit.spi.Prober;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One selector's Prequal probe pool: the slots picks read, and the probe task that fills them.
 * Carried across picker rebuilds (as a tracker's per-server counters are), so a pool change keeps
 * the probes of the servers that stay.
 *
 * <pre>
 * Slots: an AtomicReferenceArray of immutable entries (server, RIF, latency, arrival time) whose
 *   only mutable field is an atomic use count. A pick reads every slot once, twice when the
 *   fastest probe is hot (at most 64 slots, 16 by default: a constant, not the pool size), never
 *   locks, never allocates, and reads no clock:
 *   the probe task removes expired entries, so an entry is used at most maxAge + one interval
 *   after it arrived.
 * Hot-cold rule (the paper's HCL): a probe's RIF is the server's answer plus its uses, since each
 *   pick sends it one more call (RIF compensation). Q is the pool's hotQuantile RIF quantile,
 *   interpolated between the two nearest ranks (position (k - 1) q among the k sorted RIFs), of
 *   the RIFs as they are at this pick: the scan keeps the four highest in locals, which hold
 *   both neighbours whenever k - floor((k - 1) q) <= 4 (every pool of up to 16 at q = 0.84);
 *   larger hot tails use the figure the writer recomputes on every change and probe task run.
 *   Computed per pick because each use moves a RIF: a threshold fixed between writes would turn
 *   the fast servers hot as their uses add up and leave a slow, little-used one the only cold
 *   probe (seen in the simulator: 3% of calls to a 10x slower server). A probe is cold when its
 *   RIF is at most Q (floor(Q), RIFs being whole). Interpolated, so that a
 *   small pool still has a hot tail ({0, 1, 2, 10}: Q = 6.2, the 10 is hot), where the nearest
 *   rank would be the maximum up to 6 probes; "at most", so that ties are not split (an idle
 *   pool, every RIF 0, is all cold and latency decides; {1, 3, 3, 3, 3} is all cold, where
 *   "below Q" would leave the 1 the only cold probe, whatever its latency). Among cold probes the
 *   lowest latency wins (one pass finds the fastest; only when it is hot does a second pass look
 *   for the fastest cold one), else the lowest RIF; ties to the first slot (slots fill in
 *   arrival order, so that is no fixed server). The scan uses selects and min/max rather than
 *   branches on the figures: they change from pick to pick, so branches on them would be
 *   mispredicted slot after slot.
 * Removal: a probe leaves after maxUses picks (the pick that uses it up clears its slot with a
 *   compare-and-set, so a fresher entry is never cleared), at maxAge, when its server stops being
 *   a candidate, or when an answer arrives for a full pool and it is the worst: the hottest if
 *   any is hot, else the slowest. A new answer for a server replaces its old entry.
 * Probe task: every probeInterval on the scheduler, probesPerPick x the picks counted since the
 *   last run (a LongAdder: picks do not contend on one word), fractions carried, sent to distinct
 *   random candidates, never more than maxProbesInFlight at once. It stops when the strategy's
 *   selectors have all closed, when the scheduler refuses a task, and, as it holds the pool
 *   weakly, once no picker refers to the pool (its selector dropped and collected).
 * Writers (answers, the task, rebuilds) take this object's monitor; picks never do.
 * </pre>
 */
final class ProbePool {
  private static final Logger log = LoggerFactory.getLogger(ProbePool.class);

  private final PrequalConfig config;
  private final Prober prober;
  private final Scheduler scheduler;
  private final Ticker ticker;
  private final BooleanSupplier closed;
  private final AtomicReferenceArray<Entry> slots;
  private final int maxUses;
  private final int minProbes;
  private final double hotQuantile;
  private final LongAdder picks = new LongAdder();
  private final AtomicInteger probesInFlight = new AtomicInteger();
  private volatile int hotRif = Integer.MAX_VALUE;

  // writers only, under the monitor
  private Candidates candidates;
  private Set<Server> members = Set.of();
  private final int[] scratch;
  private boolean started;
  // the probe task only
  private long lastPicks;
  private double credit;
  private int[] order = new int[0];

  ProbePool(PrequalConfig config, Scheduler scheduler, Ticker ticker, BooleanSupplier closed) {
    this.closed = closed;
    this.config = config;
    this.prober = config.prober();
    this.scheduler = scheduler;
    this.ticker = ticker;
    this.slots = new AtomicReferenceArray<>(config.poolSize());
    this.scratch = new int[config.poolSize()];
    this.maxUses = config.maxUses();
    this.minProbes = config.minProbes();
    this.hotQuantile = config.hotQuantile();
  }

  /** On the write path: the candidates to probe; probes of servers no longer among them go. */
  synchronized void update(Candidates next) {
    candidates = next;
    members = new HashSet<>(next.servers());
    for (int i = 0; i < slots.length(); i++) {
      Entry e = slots.get(i);
      if (e != null && !members.contains(e.server)) {
        slots.compareAndSet(i, e, null);
      }
    }
    recomputeThreshold();
    if (!started) {
      started = true;
      schedule(new ProbeTask(this));
    }
  }

  /**
   * The pick: the cold probe of lowest latency, else the probe of lowest RIF, among usable
   * probes the request does not exclude; null when fewer than minProbes are usable.
   */
  Server choose(Request request) {
    picks.increment();
    boolean excluding = request.hasExclusions(); // uncommon: one test, hoisted by the JIT
    int n = slots.length();
    int usable = 0;
    Entry fastest = null;
    long fastestLatency = Long.MAX_VALUE;
    int fastestRif = 0;
    Entry lowest = null;
    int lowestRif = Integer.MAX_VALUE;
    // the four highest compensated RIFs, t0 >= t1 >= t2 >= t3: the quantile's neighbours
    int t0 = -1;
    int t1 = -1;
    int t2 = -1;
    int t3 = -1;
    for (int i = 0; i < n; i++) {
      Entry e = slots.get(i);
      if (e == null) {
        continue;
      }
      int uses = e.uses;
      if (uses >= maxUses || excluding && request.excludes(e.server)) {
        continue;
      }
      usable++;
      int rif = e.rif + uses;
      // selects and min/max rather than branches: RIFs and latencies change from pick to pick
      boolean faster = fastest == null || e.latencyNanos < fastestLatency;
      fastest = faster ? e : fastest;
      fastestRif = faster ? rif : fastestRif;
      fastestLatency = Math.min(fastestLatency, e.latencyNanos);
      boolean fewer = lowest == null || rif < lowestRif;
      lowest = fewer ? e : lowest;
      lowestRif = Math.min(lowestRif, rif);
      t3 = Math.max(t3, Math.min(t2, rif));
      t2 = Math.max(t2, Math.min(t1, rif));
      t1 = Math.max(t1, Math.min(t0, rif));
      t0 = Math.max(t0, rif);
    }
    if (usable < minProbes) {
      return null;
    }
    int hot = hotRif(usable, t0, t1, t2, t3);
    return use(fastestRif <= hot ? fastest : coldest(request, hot, lowest));
  }

  /** Counts one use of {@code chosen}: its RIF grows by one, and its last use clears it. */
  private Server use(Entry chosen) {
    // a plain increment, not an atomic add: two picks racing on one probe may count one use,
    // which skews one RIF by one; an atomic read-modify-write would cost every pick more
    int used = chosen.uses + 1;
    Entry.USES.setRelease(chosen, used);
    if (used >= maxUses) {
      clear(chosen);
    }
    return chosen.server;
  }

  /**
   * The largest cold RIF of {@code k} usable probes whose top four RIFs are given: the
   * interpolated quantile from those when its neighbours are among them (k - floor((k - 1) q)
   * <= 4: any pool of up to 16 at the default 0.84), else the writer's figure.
   */
  private int hotRif(int k, int t0, int t1, int t2, int t3) {
    double h = (k - 1) * hotQuantile;
    int lo = (int) h;
    int fromTop = k - 1 - lo; // the rank of scratch[lo] counted from the highest, 0-based
    if (fromTop > 3) {
      return hotRif;
    }
    int vLo = fromTop == 0 ? t0 : fromTop == 1 ? t1 : fromTop == 2 ? t2 : t3;
    int vHi = fromTop == 0 ? t0 : fromTop == 1 ? t0 : fromTop == 2 ? t1 : t2;
    return (int) Math.floor(vLo + (h - lo) * (vHi - vLo));
  }

  /** Second pass, when the fastest probe is hot: the fastest cold one, else {@code lowest}. */
  private Entry coldest(Request request, int hot, Entry lowest) {
    int n = slots.length();
    boolean excluding = request.hasExclusions();
    Entry cold = null;
    long coldLatency = Long.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      Entry e = slots.get(i);
      if (e == null) {
        continue;
      }
      int uses = e.uses;
      if (uses >= maxUses || excluding && request.excludes(e.server)) {
        continue;
      }
      boolean better = e.rif + uses <= hot && (cold == null || e.latencyNanos < coldLatency);
      cold = better ? e : cold;
      coldLatency = better ? e.latencyNanos : coldLatency;
    }
    return cold != null ? cold : lowest;
  }

  private void clear(Entry e) {
    for (int i = 0; i < slots.length(); i++) {
      if (slots.get(i) == e) {
        slots.compareAndSet(i, e, null);
        return;
      }
    }
  }

  /** An answer arrived (any thread). */
  synchronized void accept(Server server, ProbeResult r) {
    if (!members.contains(server)) {
      return; // left the candidates while the probe was out
    }
    Entry fresh = new Entry(server, r.requestsInFlight(), r.latencyNanos(), ticker.read());
    int free = -1;
    for (int i = 0; i < slots.length(); i++) {
      Entry e = slots.get(i);
      if (e == null || e.uses >= maxUses) {
        free = free < 0 ? i : free;
      } else if (e.server.equals(server)) {
        slots.set(i, fresh);
        recomputeThreshold();
        return;
      }
    }
    slots.set(free >= 0 ? free : worst(), fresh);
    recomputeThreshold();
  }

  /** The slot of the hottest probe if one is hot, else of the slowest; the pool is full. */
  private int worst() {
    int hot = hotRif;
    int worst = 0;
    int worstRif = -1;
    long worstLatency = -1;
    boolean anyHot = false;
    for (int i = 0; i < slots.length(); i++) {
      Entry e = slots.get(i);
      if (e == null) {
        return i; // cleared by a pick meanwhile
      }
      int rif = e.rif + e.uses;
      if (rif > hot) {
        if (!anyHot || rif > worstRif) {
          worst = i;
          worstRif = rif;
        }
        anyHot = true;
      } else if (!anyHot && e.latencyNanos > worstLatency) {
        worst = i;
        worstLatency = e.latencyNanos;
      }
    }
    return worst;
  }

  /** hotRif := floor of the pool's interpolated RIF quantile (under the monitor). */
  private void recomputeThreshold() {
    int k = 0;
    for (int i = 0; i < slots.length(); i++) {
      Entry e = slots.get(i);
      if (e != null && e.uses < maxUses) {
        scratch[k++] = e.rif + e.uses;
      }
    }
    if (k == 0) {
      hotRif = Integer.MAX_VALUE;
      return;
    }
    Arrays.sort(scratch, 0, k);
    double h = (k - 1) * hotQuantile;
    int lo = (int) h;
    int hi = Math.min(lo + 1, k - 1);
    hotRif = (int) Math.floor(scratch[lo] + (h - lo) * (scratch[hi] - scratch[lo]));
  }

  /** One run of the probe task: expire, then probe for the picks since the last run. */
  void tick() {
    Candidates c;
    synchronized (this) {
      long now = ticker.read();
      for (int i = 0; i < slots.length(); i++) {
        Entry e = slots.get(i);
        if (e != null && (now - e.receivedNanos >= config.maxAgeNanos() || e.uses >= maxUses)) {
          slots.compareAndSet(i, e, null);
        }
      }
      recomputeThreshold();
      c = candidates;
    }
    long total = picks.sum();
    credit = Math.min(credit + (total - lastPicks) * config.probesPerPick(), c.size());
    lastPicks = total;
    int n = Math.min((int) credit, config.maxProbesInFlight() - probesInFlight.get());
    if (n <= 0) {
      return;
    }
    credit -= n;
    probe(c, n);
  }

  /** Probes {@code n} distinct random candidates (partial Fisher-Yates over their indexes). */
  private void probe(Candidates c, int n) {
    int size = c.size();
    if (order.length != size) {
      order = new int[size];
    }
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    RandomSource random = c.random();
    for (int k = 0; k < n; k++) {
      int j = k + random.nextInt(size - k);
      int t = order[j];
      order[j] = order[k];
      order[k] = t;
      send(c.server(t));
    }
  }

  private void send(Server server) {
    probesInFlight.incrementAndGet();
    CompletionStage<ProbeResult> stage;
    try {
      stage = prober.probe(server);
    } catch (RuntimeException e) {
      probesInFlight.decrementAndGet();
      log.debug("prober {} failed to probe {}", prober, server, e);
      return;
    }
    if (stage == null) {
      probesInFlight.decrementAndGet();
      return;
    }
    stage.whenComplete((r, error) -> {
      probesInFlight.decrementAndGet();
      if (r != null) {
        accept(server, r);
      }
    });
  }

  private void schedule(ProbeTask task) {
    try {
      scheduler.schedule(task, config.probeIntervalNanos());
    } catch (RejectedExecutionException e) {
      log.debug("scheduler {} refused the probe task; probing stops", scheduler);
    }
  }

  /** How many probes are usable now (tests, explanations). */
  int usable() {
    int n = 0;
    for (int i = 0; i < slots.length(); i++) {
      Entry e = slots.get(i);
      if (e != null && e.uses < maxUses) {
        n++;
      }
    }
    return n;
  }

  /** The largest compensated RIF that is cold now (tests, explanations). */
  int hotRif() {
    return hotRif;
  }

  /** The usable probe of {@code server}, or null (tests, explanations). */
  Entry entryOf(Server server) {
    for (int i = 0; i < slots.length(); i++) {
      Entry e = slots.get(i);
      if (e != null && e.server.equals(server) && e.uses < maxUses) {
        return e;
      }
    }
    return null;
  }

  /** Runs the pool's tick while the pool is referenced, then schedules itself again. */
  private static final class ProbeTask implements Runnable {
    private final WeakReference<ProbePool> pool;

    ProbeTask(ProbePool pool) {
      this.pool = new WeakReference<>(pool);
    }

    @Override
    public void run() {
      ProbePool p = pool.get();
      if (p == null || p.closed.getAsBoolean()) {
        return; // no picker refers to it any more, or its selectors closed
      }
      try {
        p.tick();
      } catch (RuntimeException e) {
        log.warn("prequal probe task failed; it runs again next interval", e);
      }
      p.schedule(this);
    }
  }

  /** One answer in the pool: immutable but for its use count. */
  static final class Entry {
    static final VarHandle USES;

    static {
      try {
        USES = MethodHandles.lookup().findVarHandle(Entry.class, "uses", int.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    /** Answers above this RIF count as this, so that RIF plus uses cannot overflow. */
    static final int MAX_RIF = 1 << 24;

    final Server server;
    final int rif;
    final long latencyNanos;
    final long receivedNanos;
    volatile int uses;

    Entry(Server server, int rif, long latencyNanos, long receivedNanos) {
      this.server = server;
      this.rif = Math.min(rif, MAX_RIF);
      this.latencyNanos = latencyNanos;
      this.receivedNanos = receivedNanos;
    }

    @Override
    public String toString() {
      return server.id() + " rif " + rif + "+" + uses + ", latency "
          + Explain.millis(latencyNanos);
    }
  }
}
