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
  private final int maxUses;
  private final int minProbes;
  private final double hotQuantile;
  /** need[k]: how many of k usable probes must match or exceed a probe's RIF for it to be cold. */
  private final int[] need;
  /** A compensated RIF below any real one: how a probe that cannot be picked counts. */
  private static final int UNUSABLE = Integer.MIN_VALUE;
  /** Picks the fallback made; picks from the pool are counted by the uses they claim. */
  private final LongAdder fallbackPicks = new LongAdder();
  private final AtomicInteger probesInFlight = new AtomicInteger();
  /** What picks read: the usable probes at the last write, fastest first. */
  private volatile Entry[] ranked = new Entry[0];
  /** The writer's RIF quantile of {@link #ranked}, for hot tails longer than four. */
  private volatile int hotRif = Integer.MAX_VALUE;

  // writers only, under the monitor
  private final Entry[] slots;
  private final Entry[] byLatency;
  private final int[] scratch;
  private Candidates candidates;
  private Set<Server> members = Set.of();
  private boolean started;
  // the probe task only
  private long lastPicks;
  /** Uses of the entries that left the slots (under the monitor). */
  private long retiredUses;
  private double credit;
  private int[] order = new int[0];

  ProbePool(PrequalConfig config, Scheduler scheduler, Ticker ticker, BooleanSupplier closed) {
    this.closed = closed;
    this.config = config;
    this.prober = config.prober();
    this.scheduler = scheduler;
    this.ticker = ticker;
    this.slots = new Entry[config.poolSize()];
    this.byLatency = new Entry[config.poolSize()];
    this.scratch = new int[config.poolSize()];
    // so that RIF plus uses cannot overflow: a probe used 2^24 times is not worth counting on
    this.maxUses = Math.min(config.maxUses(), Entry.MAX_USES);
    this.minProbes = config.minProbes();
    this.hotQuantile = config.hotQuantile();
    this.need = new int[config.poolSize() + 1];
    for (int k = 1; k <= config.poolSize(); k++) {
      need[k] = k - (int) ((k - 1) * hotQuantile);
    }
  }

  /** On the write path: the candidates to probe; probes of servers no longer among them go. */
  synchronized void update(Candidates next) {
    candidates = next;
    members = new HashSet<>(next.servers());
    for (int i = 0; i < slots.length; i++) {
      if (slots[i] != null && !members.contains(slots[i].server)) {
        put(i, null);
      }
    }
    publish();
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
    while (true) {
      Entry chosen = pick(ranked, request);
      if (chosen == null) {
        fallbackPicks.increment(); // picks from the pool are counted by their uses
        return null;
      }
      if (claim(chosen)) {
        return chosen.server;
      }
      // used up by racing picks since this one read it: pick again, without it
    }
  }

  /**
   * The hot-cold rule over {@code ranked} (fastest first): the first probe that at least
   * need(k) usable probes, itself included, match or exceed in compensated RIF. One pass counts
   * that for the fastest and for the next three at once; more passes only when more than four
   * probes can be hot (need(k) > 4: pools larger than 16 at the default quantile).
   */
  private Entry pick(Entry[] ranked, Request request) {
    boolean excluding = request.hasExclusions(); // uncommon: one test, hoisted by the JIT
    int n = ranked.length;
    // the four fastest usable probes and their compensated RIFs, as read now
    int i0 = next(ranked, -1, excluding, request);
    if (i0 == n) {
      return null;
    }
    int i1 = next(ranked, i0, excluding, request);
    int i2 = next(ranked, i1, excluding, request);
    int i3 = next(ranked, i2, excluding, request);
    int c0 = rifAt(ranked, i0);
    int c1 = rifAt(ranked, i1);
    int c2 = rifAt(ranked, i2);
    int c3 = rifAt(ranked, i3);
    int k = 0;
    int g0 = 0;
    int g1 = 0;
    int g2 = 0;
    int g3 = 0;
    for (Entry e : ranked) {
      int uses = (int) Entry.USES.getOpaque(e);
      boolean ok = uses < maxUses && !(excluding && request.excludes(e.server));
      // selects rather than branches: RIFs change from pick to pick
      int rif = ok ? e.rif + uses : UNUSABLE;
      k += ok ? 1 : 0;
      g0 += rif >= c0 ? 1 : 0;
      g1 += rif >= c1 ? 1 : 0;
      g2 += rif >= c2 ? 1 : 0;
      g3 += rif >= c3 ? 1 : 0;
    }
    if (k < minProbes) {
      return null;
    }
    int atLeast = need[k];
    if (g0 >= atLeast) {
      return ranked[i0];
    }
    if (g1 >= atLeast) {
      return ranked[i1];
    }
    if (g2 >= atLeast) {
      return ranked[i2];
    }
    if (g3 >= atLeast) {
      return ranked[i3];
    }
    return farther(ranked, i3, atLeast, excluding, request, i0);
  }

  /** Beyond the fourth fastest, one pass per probe: only when more than four can be hot. */
  private Entry farther(Entry[] ranked, int from, int atLeast, boolean excluding, Request request,
      int fastest) {
    int n = ranked.length;
    for (int i = next(ranked, from, excluding, request); i < n;
        i = next(ranked, i, excluding, request)) {
      int c = rifAt(ranked, i);
      int g = 0;
      for (Entry e : ranked) {
        int uses = (int) Entry.USES.getOpaque(e);
        boolean ok = uses < maxUses && !(excluding && request.excludes(e.server));
        g += ok && e.rif + uses >= c ? 1 : 0;
      }
      if (g >= atLeast) {
        return ranked[i];
      }
    }
    // none cold: racing picks moved the RIFs between reads; the fastest usable one
    return ranked[fastest];
  }

  /** The index of the first usable probe after {@code i} the request allows, or the length. */
  private int next(Entry[] ranked, int i, boolean excluding, Request request) {
    int n = ranked.length;
    int j = Math.min(i + 1, n);
    while (j < n && ((int) Entry.USES.getOpaque(ranked[j]) >= maxUses
        || excluding && request.excludes(ranked[j].server))) {
      j++;
    }
    return j;
  }

  /** The compensated RIF of {@code ranked[i]}, or above any when there is no such probe. */
  private static int rifAt(Entry[] ranked, int i) {
    return i < ranked.length ? ranked[i].rif + (int) Entry.USES.getOpaque(ranked[i])
        : Integer.MAX_VALUE;
  }

  /**
   * Counts one use of {@code e} (its RIF grows by one) unless racing picks used it up first.
   * A compare-and-set, so a probe serves exactly maxUses picks however many threads pick.
   */
  private boolean claim(Entry e) {
    int uses = (int) Entry.USES.getOpaque(e);
    while (uses < maxUses) {
      int seen = (int) Entry.USES.compareAndExchange(e, uses, uses + 1);
      if (seen == uses) {
        return true;
      }
      uses = seen;
    }
    return false;
  }

  /** An answer arrived (any thread). */
  synchronized void accept(Server server, ProbeResult r) {
    if (!members.contains(server)) {
      return; // left the candidates while the probe was out
    }
    Entry fresh = new Entry(server, r.requestsInFlight(), r.latencyNanos(), ticker.read());
    int free = -1;
    for (int i = 0; i < slots.length; i++) {
      Entry e = slots[i];
      if (e == null || e.used() >= maxUses) {
        free = free < 0 ? i : free;
      } else if (e.server.equals(server)) {
        put(i, fresh);
        publish();
        return;
      }
    }
    put(free >= 0 ? free : worst(), fresh);
    publish();
  }

  /** slots[i] := e, counting the uses of the entry it replaces as picks (under the monitor). */
  private void put(int i, Entry e) {
    if (slots[i] != null) {
      // a pick still holding the old ranking may use it once more: that use goes uncounted
      retiredUses += slots[i].used();
    }
    slots[i] = e;
  }

  /** The slot of the hottest probe if one is hot, else of the slowest; the pool is full. */
  private int worst() {
    int hot = hotRif;
    int worst = 0;
    int worstRif = -1;
    long worstLatency = -1;
    boolean anyHot = false;
    for (int i = 0; i < slots.length; i++) {
      Entry e = slots[i];
      int uses = e.used();
      if (uses >= maxUses) {
        return i; // used up by a pick meanwhile
      }
      int rif = e.rif + uses;
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

  /**
   * Publishes what picks read (under the monitor): the usable probes fastest first, ties in slot
   * order, and hotRif := floor of their interpolated RIF quantile.
   */
  private void publish() {
    int k = 0;
    for (Entry e : slots) {
      if (e != null && e.used() < maxUses) {
        // insertion into latency order; equal latencies keep slot order
        int j = k++;
        while (j > 0 && byLatency[j - 1].latencyNanos > e.latencyNanos) {
          byLatency[j] = byLatency[j - 1];
          j--;
        }
        byLatency[j] = e;
      }
    }
    Entry[] next = Arrays.copyOf(byLatency, k);
    Arrays.fill(byLatency, null); // hold no entry the pool dropped
    for (int i = 0; i < k; i++) {
      scratch[i] = next[i].rif + next[i].used();
    }
    if (k == 0) {
      hotRif = Integer.MAX_VALUE;
    } else {
      Arrays.sort(scratch, 0, k);
      double h = (k - 1) * hotQuantile;
      int lo = (int) h;
      int hi = Math.min(lo + 1, k - 1);
      hotRif = (int) Math.floor(scratch[lo] + (h - lo) * (scratch[hi] - scratch[lo]));
    }
    ranked = next;
  }

  /** One run of the probe task: expire, then probe for the picks since the last run. */
  void tick() {
    Candidates c;
    long picks;
    synchronized (this) {
      long now = ticker.read();
      for (int i = 0; i < slots.length; i++) {
        Entry e = slots[i];
        if (e != null && (now - e.receivedNanos >= config.maxAgeNanos() || e.used() >= maxUses)) {
          put(i, null);
        }
      }
      publish();
      c = candidates;
      picks = retiredUses;
      for (Entry e : slots) {
        picks += e == null ? 0 : e.used();
      }
    }
    long total = fallbackPicks.sum() + picks;
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
    return usable(Request.NONE);
  }

  /** How many probes {@code request} could be picked from now (explanations). */
  int usable(Request request) {
    int n = 0;
    for (Entry e : ranked) {
      if (e.used() < maxUses && !request.excludes(e.server)) {
        n++;
      }
    }
    return n;
  }

  /** The writer's figure: the largest compensated RIF cold at the last write (tests, explanations). */
  int hotRif() {
    return hotRif;
  }

  /** The usable probe of {@code server}, or null (tests, explanations). */
  Entry entryOf(Server server) {
    for (Entry e : ranked) {
      if (e.server.equals(server) && e.used() < maxUses) {
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

  /** One answer in the pool: immutable but for its use count, which only picks raise. */
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
    /** A probe serves at most this many picks, whatever maxUses says, for the same reason. */
    static final int MAX_USES = 1 << 24;

    final Server server;
    final int rif;
    final long latencyNanos;
    final long receivedNanos;
    /** Picks it served: read opaque and raised by compare-and-set ({@link #USES}). */
    int uses;

    Entry(Server server, int rif, long latencyNanos, long receivedNanos) {
      this.server = server;
      this.rif = Math.min(rif, MAX_RIF);
      this.latencyNanos = latencyNanos;
      this.receivedNanos = receivedNanos;
    }

    /** {@return the uses now, as another thread's pick left them} */
    int used() {
      return (int) USES.getOpaque(this);
    }

    @Override
    public String toString() {
      return server.id() + " rif " + rif + "+" + used() + ", latency "
          + Explain.millis(latencyNanos);
    }
  }
}
