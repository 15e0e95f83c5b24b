package io.lbkit.strategy;

import io.lbkit.RandomSource;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Striped cursors over a cyclic sequence of positions {@code 0 .. length-1}: the shared state of
 * round robin and weighted round robin, built once and handed from picker to picker across
 * rebuilds. Thread-safe and lock-free; {@link #next} never allocates.
 *
 * <pre>
 * One shared cursor while one thread picks. The first cursor, "base", is a field of this object
 * in the stripes' own format (owner tag, position; see below), and the first thread to pick
 * claims it with a compare-and-set. Its picks are then two loads (base and the striped flag, one
 * line that nobody else writes), one compare with its own tag and one plain store: no locked
 * instruction, no stripe index, no division. That is cheaper than the AtomicInteger of a
 * single-counter round robin, whose locked increment also stops the next pick's loads from
 * starting early. The first pick by any other thread proves that two threads use this rotation:
 * it sets the flag, for good, and from then on every thread picks on the striped cursors below,
 * which continue from base's position. The flag is a field of its own, not a mark in base, because
 * the owner's loads of base are served from its own pending stores: it could go on overwriting a
 * mark there and never see it (measured: two threads fighting over base at twice the cost).
 *
 * Why stripes. One shared counter makes every pick of every thread write the same cache line,
 * so at two threads each pick waits for the line to travel between cores (~30-70 ns measured for
 * peers' single-counter round robins). Here there are K = STRIPES cursors (about twice the
 * cores), each alone in its own 128-byte block (two cache lines, so the adjacent-line prefetcher
 * does not pair them either).
 *
 * Which cursor. A cursor is one long: an owner tag (high 32 bits: the thread id's low 31 bits
 * with the top bit set, so never 0) and a position p in [0, length) (low 32 bits). A thread
 * first looks at cursor (id mod K): thread ids are handed out consecutively, so threads created
 * together look at distinct cursors.
 *   - Owner is me: return p, store p + 1 (mod length) with a plain (opaque) write. No locked
 *     instruction, no line shared with another thread, one load and one store: the steady state.
 *   - Otherwise (the slow path) the thread reads its entry in a small home table, home[id mod
 *     4K], written only here:
 *       unclaimed cursor (tag 0): claim it with a compare-and-set;
 *       another owner, first time: take it over with a compare-and-set and note that in the
 *         entry. The owner may be a thread that has ended (thread pools replace threads), and
 *         then the taker simply stays, on the fast path;
 *       another owner again after a takeover: a live thread shares this cursor. Move the entry
 *         to the next cursor for good and claim or take that one. Each such collision moves one
 *         thread one step, so threads running at once spread over distinct cursors;
 *       a failed compare-and-set (a race) tries the next cursor, for this pick only.
 *   Costs. The owner's pick is one load and one store. A moved thread still first reads the
 *   cursor it left (a line its new owner writes, so usually a cache miss, though no locked
 *   instruction) and then its home entry: rare, since moves need two live threads whose ids
 *   collide mod K. Two threads whose ids are also equal mod 4K share an entry and may not
 *   separate (probability 1/4K per pair): correct, but contended like a shared counter. With far
 *   more threads picking than cursors, ownership migrates and picks take the slow path (a
 *   compare-and-set on a line another core wrote last), spread over K lines instead of one.
 *
 * Starting points. Base starts at p0, drawn once from the selector's random source (the same
 * draw, and so the same first server, as the foundation's single-counter round robin), so a
 * seeded selector repeats exactly on whichever thread picks (the simulator relies on this).
 * After the switch the k-th striped cursor claimed (k = 0, 1, 2, ..., once per cursor) starts at
 *   (b + floor(k x 0.618... x length)) mod length,
 * b being base's last position: the first continues the rotation, the others start at well-spread
 * points of it (golden-ratio offsets) instead of sending their first calls to one server in
 * lockstep.
 *
 * Exactness. Each pick on a cursor advances it by one, so a cursor walks the rotation without
 * gaps or repeats: after m_s picks through cursor s, position j was returned floor(m_s / length)
 * or ceil(m_s / length) times. Summing over cursors, position j was returned M / length + e_j
 * times with |e_j| < (number of cursors used), M the total picks.
 * Base is one more gapless walk, continued by the first striped cursor.
 *   - One thread (base only): length x k picks return every position exactly k times, in order.
 *   - Two threads on distinct cursors, 10^6 picks over 10 servers: each server within 2 picks of
 *     100 000.
 * The one inexact case: an owner's plain write landing just after another thread took its
 * cursor over repeats one position once (a window of a few instructions, only while live
 * threads share a cursor), and likewise the owner's few picks on base between another thread
 * setting the flag and the owner seeing it. It shifts shares by the number of such races, far
 * inside +-1%, and never makes a pick fail or leave [0, length).
 *
 * Rebuilds. The cursors outlive pickers: a picker built from a previous one reuses its Stripes,
 * so the rotation continues where it was. If the sequence got shorter, a stored position at or
 * beyond the new length is reduced modulo the length (the one division, off the common path).
 * </pre>
 */
final class Stripes {
  /** Cursors: a power of two, about twice the cores, so that concurrent threads rarely share. */
  static final int STRIPES = stripeCount(Runtime.getRuntime().availableProcessors());

  private static final int HOMES = 4 * STRIPES;
  private static final int PAD = 16; // longs per 128 bytes
  private static final long POSITION = 0xFFFF_FFFFL;
  private static final double GOLDEN = 0.6180339887498949;
  private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(long[].class);
  private static final VarHandle HOME = MethodHandles.arrayElementVarHandle(int[].class);
  private static final int UNMOVED = -1; // home entry: the thread's first cursor, id mod K
  private static final int TOOK_OVER = 1 << 30; // home entry flag: took a foreign cursor once

  private static final VarHandle BASE;

  static {
    try {
      BASE = MethodHandles.lookup().findVarHandle(Stripes.class, "base", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private long base; // the shared first cursor (owner tag, position); accessed through BASE
  private volatile boolean striped; // two threads have picked: base is left for the stripes
  private volatile int origin; // where the first striped cursor starts: base's last position
  private final long[] cells; // cursor s at index (s + 1) * PAD; the first block guards the header
  private final int[] home; // read and written on the slow path only
  private final AtomicInteger claims = new AtomicInteger();

  /** An unclaimed shared cursor at a random position in {@code [0, length)}; stripes unclaimed. */
  Stripes(RandomSource random, int length) {
    this.cells = new long[(STRIPES + 2) * PAD];
    this.home = new int[HOMES];
    java.util.Arrays.fill(home, UNMOVED);
    this.origin = random.nextInt(Integer.MAX_VALUE) % length;
    BASE.setRelease(this, (long) origin);
  }

  /** A copy of {@code from}'s cursors as they are now, for a picker's copy (explanations). */
  private Stripes(Stripes from) {
    this.cells = from.cells.clone();
    this.home = from.home.clone();
    this.origin = from.origin;
    this.striped = from.striped;
    this.claims.set(from.claims.get());
    BASE.setRelease(this, (long) BASE.getVolatile(from));
  }

  /**
   * Cursors that continue from where these are now, apart from them: the calling thread's next
   * position on the copy is its next position here. Off the pick path (it allocates).
   */
  Stripes copy() {
    return new Stripes(this);
  }

  static int stripeCount(int cores) {
    int want = Math.max(2, Math.min(64, 2 * cores));
    return Integer.highestOneBit(want - 1) << 1;
  }

  /** The cursor a new thread with this id starts from (for tests that need distinct cursors). */
  static int stripeOf(long threadId) {
    return (int) threadId & (STRIPES - 1);
  }

  /** The cursor this thread id now calls home (for tests). */
  int homeOf(long threadId) {
    int me = (int) threadId | Integer.MIN_VALUE;
    int moved = (int) HOME.getOpaque(home, me & (HOMES - 1));
    return moved == UNMOVED ? me & (STRIPES - 1) : moved & (STRIPES - 1);
  }

  /** The next position, in {@code [0, length)}, on the calling thread's cursor. */
  @SuppressWarnings("deprecation") // Thread.getId(): threadId() exists only from Java 19
  int next(int length) {
    int me = (int) Thread.currentThread().getId() | Integer.MIN_VALUE;
    if (!striped) {
      long v = (long) BASE.getOpaque(this);
      if ((int) (v >>> 32) != me) {
        return unowned(length, me, v);
      }
      int cur = position(v, length);
      BASE.setOpaque(this, advanced(me, cur, length));
      return cur;
    }
    long[] c = cells;
    int idx = ((me & (STRIPES - 1)) + 1) * PAD;
    long v = (long) CELL.getOpaque(c, idx);
    if ((int) (v >>> 32) != me) {
      return elsewhere(length, me);
    }
    int cur = position(v, length);
    CELL.setOpaque(c, idx, advanced(me, cur, length));
    return cur;
  }

  /** A cursor's position reduced into {@code [0, length)}: a division only after a shrink. */
  private static int position(long cursor, int length) {
    int p = (int) (cursor & POSITION);
    return p < length ? p : p % length;
  }

  /** The cursor {@code me} leaves after taking position {@code cur}. */
  private static long advanced(int me, int cur, int length) {
    return ((long) me << 32) | (cur + 1 == length ? 0 : cur + 1);
  }

  /** Base is unclaimed (the first pick claims it) or another thread's (a second thread). */
  private int unowned(int length, int me, long v) {
    if ((int) (v >>> 32) != 0) {
      stripe();
    } else {
      int cur = position(v, length);
      if (BASE.compareAndSet(this, v, advanced(me, cur, length))) {
        return cur;
      }
    }
    return next(length); // on the stripes now, or base was claimed by another thread just now
  }

  /** Whether two threads have picked, so that picks use the striped cursors (for tests). */
  boolean isStriped() {
    return striped;
  }

  /** Switches to the striped cursors, which continue from base's position. Idempotent. */
  Stripes stripe() {
    if (!striped) {
      origin = (int) ((long) BASE.getVolatile(this) & POSITION);
      striped = true; // publishes origin to the threads that then claim cursors
    }
    return this;
  }

  /** The slow path: the thread does not own its first cursor (new, moved, or colliding). */
  private int elsewhere(int length, int me) {
    long[] c = cells;
    int h = me & (HOMES - 1);
    int entry = (int) HOME.getOpaque(home, h);
    int s = entry == UNMOVED ? me & (STRIPES - 1) : entry & (STRIPES - 1);
    int owner = (int) ((long) CELL.getOpaque(c, (s + 1) * PAD) >>> 32);
    if (owner != me && owner != 0) {
      if (entry != UNMOVED && (entry & TOOK_OVER) != 0) {
        // Taken here before and lost again: a live thread uses it too. Move on for good.
        s = (s + 1) & (STRIPES - 1);
        HOME.setOpaque(home, h, s);
      } else {
        // Take it over once: its owner may be a thread that has ended.
        HOME.setOpaque(home, h, s | TOOK_OVER);
      }
    }
    for (;;) {
      int idx = (s + 1) * PAD;
      long v = (long) CELL.getOpaque(c, idx);
      owner = (int) (v >>> 32);
      int cur = owner == 0 ? start(length) : position(v, length);
      long mine = advanced(me, cur, length);
      if (owner == me) {
        CELL.setOpaque(c, idx, mine);
        return cur;
      }
      if (CELL.compareAndSet(c, idx, v, mine)) {
        return cur;
      }
      s = (s + 1) & (STRIPES - 1); // lost a race: the next cursor, for this pick only
    }
  }

  /** Where the next claimed cursor starts: once per cursor (plus lost races), off the hot path. */
  private int start(int length) {
    long offset = (long) (claims.getAndIncrement() * GOLDEN * length);
    return (int) ((origin + offset) % length);
  }

  @Override
  public String toString() {
    return "Stripes{" + (isStriped() ? STRIPES + " striped" : "shared") + '}';
  }
}
