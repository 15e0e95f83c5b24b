package io.lbkit.strategy;

import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Scheduler;
import io.lbkit.Server;
import io.lbkit.Ticker;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.PickReport;
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
 * One selector's Prequal probe pool: the probes picks read, and the probe task that fills them.
 * Carried across picker rebuilds (as a tracker's per-server counters are), so a pool change keeps
 * the probes of the servers that stay.
 *
 * <pre>
 * Slots and ranking: the slots (at most 64, 16 by default) are the writers' own array of
 *   immutable entries (server, RIF, latency, arrival time) whose only mutable field is a use
 *   count. Every write (an answer, a probe task run, a rebuild) publishes a {@link Ranking}: the
 *   usable entries sorted by latency (equal latencies in slot order, so ties go to the first
 *   slot, which fills in arrival order and is no fixed server) and a flat mirror of their
 *   compensated RIFs. A pick reads that one volatile reference, never locks, never allocates,
 *   reads no clock (the probe task removes expired entries, so an entry is used at most maxAge
 *   + one interval after it arrived) and makes one pass over the mirror.
 * Hot-cold rule (the paper's HCL): a probe's RIF is the server's answer plus its uses, since each
 *   pick sends it one more call (RIF compensation). Q is the pool's hotQuantile RIF quantile,
 *   interpolated between the two nearest ranks, lo = floor((k - 1) q) and lo + 1, of the k
 *   usable RIFs as they are at this pick; a probe is cold when its RIF is at most Q. For a probe
 *   of the pool that is the same as "at most the RIF of rank lo" (no pool RIF lies strictly
 *   between two neighbouring ranks, and Q is below the upper one), that is: at least need(k) =
 *   k - lo usable probes, itself included, have a RIF at least as high. So a pick counts
 *   instead of sorting: one pass over the mirror counts, for each of the four fastest usable
 *   probes, the probes that match or exceed it, and the fastest with enough wins. At most
 *   need(k) - 1 probes are hot, so one of the four is cold whenever need(k) <= 4 (every pool of
 *   up to 16 at q = 0.84); otherwise the pick walks on, one pass per probe. With no probe cold
 *   (only possible when racing picks move RIFs between its reads) the fastest wins.
 * Shortcut: a pick only ever chooses among the four fastest usable probes (one of them is cold),
 *   so while no pick has chosen beyond them (a retry with exclusions, a pool over 16), every
 *   other probe still has the RIF it was published with. The ranking keeps those sorted
 *   (Ranking.tail), and a pick counts from the four, the tail's top down to their RIFs (never
 *   more than need(k) of it) and a correction for probes that joined the four as others were
 *   used up: O(1) in the pool size. The first pick that chooses beyond them sets a flag, and
 *   picks on that ranking make the pass until the next write publishes a fresh one.
 *   Computed per pick because each use moves a RIF: a threshold fixed between writes would turn
 *   the fast servers hot as their uses add up and leave a slow, little-used one the only cold
 *   probe (seen in the simulator: 3% of calls to a 10x slower server). Interpolated, so that a
 *   small pool still has a hot tail ({0, 1, 2, 10}: Q = 6.2, the 10 is hot), where the nearest
 *   rank would be the maximum up to 6 probes; "at most", so that ties are not split (an idle
 *   pool, every RIF 0, is all cold and latency decides; {1, 3, 3, 3, 3} is all cold, where
 *   "below Q" would leave the 1 the only cold probe, whatever its latency). The writer keeps
 *   the interpolated Q of the RIFs at its last write (hotRif) for the one decision it makes,
 *   which answer a full pool drops, and for explanations.
 * Uses: a pick claims one with a compare-and-set on the entry's count (so a probe serves exactly
 *   maxUses picks however many threads pick, and a pick whose claim fails picks again), then
 *   stores the entry's new RIF in the ranking's mirror (a plain store: racing picks may leave
 *   the mirror one use behind until the probe's next pick; a failed claim marks it used up).
 * Removal: a used-up probe is skipped by picks and its slot is free for the next answer; a probe
 *   also leaves at maxAge, when its server stops being a candidate, or when an answer arrives
 *   for a full pool and it is the worst: the hottest if any is hot, else the slowest. A new
 *   answer for a server replaces its old entry.
 * Probe task: every probeInterval on the scheduler, probesPerPick x the picks made since the
 *   last run, fractions carried, sent to distinct random candidates, never more than
 *   maxProbesInFlight at once. Picks from the pool are counted by the uses they claimed (no
 *   shared counter on the pick path; a use claimed on an entry a writer has just replaced goes
 *   uncounted), fallback picks by a LongAdder. It stops when the strategy's selectors have all
 *   closed, when the scheduler refuses a task, and, as it holds the pool weakly, once no picker
 *   refers to the pool (its selector dropped and collected).
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
  /** The fastest probes a pick reads from the mirror when no other has moved ({@link Ranking}). */
  static final int HEAD = 4;
  /** A compensated RIF below any real one: how a probe that cannot be picked counts. */
  private static final int UNUSABLE = Integer.MIN_VALUE;
  /** Picks the fallback made; picks from the pool are counted by the uses they claim. */
  private final LongAdder fallbackPicks = new LongAdder();
  private final AtomicInteger probesInFlight = new AtomicInteger();
  /** What picks read: the usable probes at the last write, fastest first. */
  private volatile Ranking ranked = new Ranking(new Entry[0], new int[0]);
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
    // so that RIF plus uses cannot overflow (over two billion uses: no pool lives that long)
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
      Ranking r = ranked;
      int i = request.hasExclusions() ? pickExcluding(r, request) : pick(r);
      if (i < 0) {
        fallbackPicks.increment(); // picks from the pool are counted by their uses
        return null;
      }
      if (claim(r, i)) {
        return r.entries[i].server;
      }
      // used up by racing picks since this one read it: pick again, without it
    }
  }

  /**
   * What {@link #choose} would pick now, claiming no use: for explanations ({@code Picker.copy}),
   * off the pick path. It may switch the ranking to the general pass, as a pick beyond the four
   * fastest does; that pass picks the same probes, only slower.
   */
  Server peek(Request request) {
    Ranking r = ranked;
    int i = request.hasExclusions() ? pickExcluding(r, request) : pick(r);
    return i < 0 ? null : r.entries[i].server;
  }

  /**
   * The hot-cold rule over a ranking: the fastest probe that at least need(k) of the k usable
   * probes, itself included, match or exceed in compensated RIF (see the class comment). One
   * pass over the flat mirror counts that for the four fastest usable probes at once; more
   * passes only when more than four can be hot (need(k) > 4: pools over 16 at the default
   * quantile). Returns the probe's index in the ranking, or -1 below minProbes.
   */
  private int pick(Ranking r) {
    int[] load = r.load;
    int n = load.length;
    if (!r.tailMoved) {
      int fast = pickFromHead(r, load);
      if (fast >= 0) {
        return fast;
      }
    }
    int i0 = next(load, -1);
    int i1 = next(load, i0);
    int i2 = next(load, i1);
    int i3 = next(load, i2);
    int c0 = i0 < n ? load[i0] : Integer.MAX_VALUE; // no such probe: above any
    int c1 = i1 < n ? load[i1] : Integer.MAX_VALUE;
    int c2 = i2 < n ? load[i2] : Integer.MAX_VALUE;
    int c3 = i3 < n ? load[i3] : Integer.MAX_VALUE;
    int k = 0;
    int g0 = 0;
    int g1 = 0;
    int g2 = 0;
    int g3 = 0;
    for (int i = 0; i < n; i++) {
      // selects rather than branches: RIFs change from pick to pick
      int v = load[i]; // UNUSABLE (below any c) once used up
      k += v >= 0 ? 1 : 0;
      g0 += v >= c0 ? 1 : 0;
      g1 += v >= c1 ? 1 : 0;
      g2 += v >= c2 ? 1 : 0;
      g3 += v >= c3 ? 1 : 0;
    }
    if (k < minProbes) {
      return -1;
    }
    int atLeast = need[k];
    int chosen = g0 >= atLeast ? i0 : g1 >= atLeast ? i1 : g2 >= atLeast ? i2
        : g3 >= atLeast ? i3 : farther(load, i3, atLeast);
    if (chosen >= HEAD) {
      r.tailMoved = true; // a plain store, only ever of true: picks stop trusting the tail
    }
    return chosen;
  }

  /** Beyond the fourth fastest usable probe, one pass per probe: more than four can be hot. */
  private static int farther(int[] load, int i3, int atLeast) {
    int n = load.length;
    for (int j = next(load, i3); j < n; j = next(load, j)) {
      int c = load[j];
      int g = 0;
      for (int i = 0; i < n; i++) {
        g += load[i] >= c ? 1 : 0;
      }
      if (g >= atLeast) {
        return j;
      }
    }
    // none cold: racing picks moved the RIFs between reads; the fastest (if it still is usable)
    int i0 = next(load, -1);
    return i0 < n ? i0 : -1;
  }

  /**
   * {@link #pick} while only the four fastest usable probes have been picked since the ranking
   * was published (and the used-up ones before them): every other probe is usable and has its
   * published RIF, kept sorted on the write path in {@link Ranking#tail}, so each of the four
   * needs four comparisons, the tail's top down to its RIF (never more than need(k) of it) and a
   * correction for the used-up probes' published figures. No pass over the pool. Returns -1
   * when fewer than four are usable or all four are hot (more than four can be hot): the
   * general pass decides.
   */
  private int pickFromHead(Ranking r, int[] load) {
    int n = load.length;
    int i0 = next(load, -1);
    int i1 = next(load, i0);
    int i2 = next(load, i1);
    int i3 = next(load, i2);
    if (i3 >= n) {
      return -1;
    }
    int moved = i3 + 1 - HEAD; // used-up probes among the first i3 + 1
    int k = n - moved;
    if (k < minProbes) {
      return -1;
    }
    int c0 = load[i0];
    int c1 = load[i1];
    int c2 = load[i2];
    int c3 = load[i3];
    int atLeast = need[k];
    if (atLeast(c0, c0, c1, c2, c3) + fromTail(r, c0, atLeast, moved) >= atLeast) {
      return i0;
    }
    if (atLeast(c1, c0, c1, c2, c3) + fromTail(r, c1, atLeast, moved) >= atLeast) {
      return i1;
    }
    if (atLeast(c2, c0, c1, c2, c3) + fromTail(r, c2, atLeast, moved) >= atLeast) {
      return i2;
    }
    if (atLeast(c3, c0, c1, c2, c3) + fromTail(r, c3, atLeast, moved) >= atLeast) {
      return i3;
    }
    return -1;
  }

  /**
   * How many probes after the head are at least {@code c}, as far as {@code cap} matters: the
   * published tail's count, less the probes that have joined the head since ({@code moved}
   * positions from {@link #HEAD} on, their published figures).
   */
  private static int fromTail(Ranking r, int c, int cap, int moved) {
    int g = atLeast(r.tail, c, cap + moved);
    for (int p = HEAD; p < HEAD + moved; p++) {
      g -= r.published[p] >= c ? 1 : 0;
    }
    return g;
  }

  /** How many of {@code a..d} are at least {@code c}. */
  private static int atLeast(int c, int a, int b, int x, int d) {
    return (a >= c ? 1 : 0) + (b >= c ? 1 : 0) + (x >= c ? 1 : 0) + (d >= c ? 1 : 0);
  }

  /** How many of {@code desc} (highest first) are at least {@code c}, counting up to {@code cap}. */
  private static int atLeast(int[] desc, int c, int cap) {
    int g = 0;
    int n = Math.min(desc.length, cap);
    while (g < n && desc[g] >= c) {
      g++;
    }
    return g;
  }

  /** The index of the first usable probe after {@code i} in the mirror, or its length. */
  private static int next(int[] load, int i) {
    int n = load.length;
    int j = Math.min(i + 1, n);
    while (j < n && load[j] < 0) {
      j++;
    }
    return j;
  }

  /**
   * {@link #pick} for a request with exclusions (a retry): the same rule over the probes it
   * allows, read from the entries themselves, the request asked once per probe (a bit set: at
   * most 64 probes); one pass per probe walked. Off the common path.
   */
  private int pickExcluding(Ranking r, Request request) {
    Entry[] entries = r.entries;
    int n = entries.length;
    long allowed = 0;
    for (int j = 0; j < n; j++) {
      if (entries[j].used() < maxUses && !request.excludes(entries[j].server)) {
        allowed |= 1L << j;
      }
    }
    int k = Long.bitCount(allowed);
    if (k < minProbes) {
      return -1;
    }
    int atLeast = need[k];
    for (long walk = allowed; walk != 0; walk &= walk - 1) {
      int j = Long.numberOfTrailingZeros(walk);
      int c = entries[j].rif + entries[j].used();
      int g = 0;
      for (long rest = allowed; rest != 0; rest &= rest - 1) {
        Entry e = entries[Long.numberOfTrailingZeros(rest)];
        g += e.rif + e.used() >= c ? 1 : 0;
      }
      if (g >= atLeast) {
        if (j >= HEAD) {
          r.tailMoved = true;
        }
        return j;
      }
    }
    // none cold: racing picks moved the RIFs between reads; the fastest allowed
    int fastest = Long.numberOfTrailingZeros(allowed);
    if (fastest >= HEAD) {
      r.tailMoved = true;
    }
    return fastest;
  }

  /**
   * Counts one use of {@code r.entries[i]} (its RIF grows by one) unless racing picks used it
   * up first: a compare-and-set on the entry's count, so a probe serves exactly maxUses picks
   * however many threads pick; then the ranking's mirror follows (a plain store: racing picks
   * may leave it one use behind until the entry's next pick, and a failed claim marks it used
   * up, so that a stale mirror cannot make picks retry the same probe).
   */
  private boolean claim(Ranking r, int i) {
    Entry e = r.entries[i];
    int uses = e.used();
    while (uses < maxUses) {
      int seen = (int) Entry.USES.compareAndExchange(e, uses, uses + 1);
      if (seen == uses) {
        r.load[i] = uses + 1 < maxUses ? e.rif + uses + 1 : UNUSABLE;
        if (e.used() >= maxUses) {
          r.load[i] = UNUSABLE; // a racing pick used it up and stored first: not usable again
        }
        return true;
      }
      uses = seen;
    }
    r.load[i] = UNUSABLE;
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
    int[] load = new int[k];
    for (int i = 0; i < k; i++) {
      load[i] = next[i].rif + next[i].used();
      scratch[i] = load[i];
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
    ranked = new Ranking(next, load);
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
    for (Entry e : ranked.entries) {
      if (e.used() < maxUses && !request.excludes(e.server)) {
        n++;
      }
    }
    return n;
  }

  /**
   * Writes down how the pool sees {@code request}'s probes: each usable one's compensated RIF,
   * latency and side of the rule. Returns false, writing nothing, when too few probes are usable
   * and the fallback would pick. Off the pick path.
   */
  boolean describe(Request request, PickReport report) {
    Entry[] entries = ranked.entries;
    int k = usable(request);
    if (k < minProbes) {
      return false;
    }
    int atLeast = need[k];
    for (Entry e : entries) {
      int uses = e.used();
      if (uses >= maxUses || request.excludes(e.server)) {
        continue;
      }
      int rif = e.rif + uses;
      int matched = 0;
      for (Entry o : entries) {
        int u = o.used();
        matched += u < maxUses && o.rif + u >= rif && !request.excludes(o.server) ? 1 : 0;
      }
      report.score(e.server, "probe RIF " + e.rif + " + " + uses + " uses, latency "
          + Explain.millis(e.latencyNanos) + (matched >= atLeast ? ", cold" : ", hot"));
    }
    report.note("prequal: " + k + " usable probes; cold when at least " + atLeast
        + " of them match or exceed its RIF; the fastest cold probe wins");
    return true;
  }

  /** The writer's figure: the largest compensated RIF cold at the last write (tests, explanations). */
  int hotRif() {
    return hotRif;
  }

  /** The usable probe of {@code server}, or null (tests, explanations). */
  Entry entryOf(Server server) {
    for (Entry e : ranked.entries) {
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

  /**
   * What picks read, published whole by the writers: the usable probes fastest first (equal
   * latencies in slot order) and a mirror of their compensated RIFs that picks keep up to date
   * ({@link #UNUSABLE} once used up), so that a pick's counting pass reads one flat array.
   */
  static final class Ranking {
    final Entry[] entries;
    final int[] load;
    /** The compensated RIFs, as published, of the probes after the {@link #HEAD} fastest,
     * highest first. */
    final int[] tail;
    /** The compensated RIFs as published, by position. */
    final int[] published;
    /** Set by the first pick that chooses beyond the {@link #HEAD} fastest usable probes. */
    boolean tailMoved;

    Ranking(Entry[] entries, int[] load) {
      this.entries = entries;
      this.load = load;
      this.published = load.clone();
      int[] t = load.length > HEAD ? Arrays.copyOfRange(load, HEAD, load.length) : new int[0];
      Arrays.sort(t);
      for (int i = 0, j = t.length - 1; i < j; i++, j--) {
        int x = t[i];
        t[i] = t[j];
        t[j] = x;
      }
      this.tail = t;
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
    static final int MAX_USES = Integer.MAX_VALUE - MAX_RIF - 1;

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
