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
 * Why stripes. One shared counter makes every pick of every thread write the same cache line,
 * so at two threads each pick waits for the line to travel between cores (~30-70 ns measured for
 * peers' single-counter round robins), and even alone it pays a locked instruction. Here there
 * are K = STRIPES cursors, each alone in its own 128-byte block (two cache lines, so the
 * adjacent-line prefetcher does not pair them either). A thread uses cursor (threadId mod K);
 * thread ids are handed out consecutively, so up to K threads created together land on distinct
 * cursors and never share a line.
 *
 * A cursor is one long: an owner tag (high 32 bits: the thread id's low 31 bits with the top
 * bit set, so never 0) and a position p in [0, length) (low 32 bits). A pick returns p and
 * stores p + 1 (mod length):
 *   - the owner (the last thread that advanced it) stores with a plain (opaque) write: no locked
 *     instruction, no shared line, about the cost of an array read;
 *   - any other thread takes it over with a compare-and-set of the whole long; if that fails, it
 *     moves on to the next cursor for this pick, which spreads colliding threads without
 *     per-thread state.
 *
 * Starting points. A cursor is unclaimed (tag 0) until a thread first uses it; the k-th cursor
 * claimed (k = 0, 1, 2, ..., counted once per cursor) starts at
 *   (p0 + floor(k x 0.618... x length)) mod length,
 * p0 drawn once from the selector's random source. So threads start at well-spread points of
 * the rotation (golden-ratio offsets) instead of sending their first calls to the same server
 * in lockstep, and yet which cursor a thread's id maps to does not matter: a single-threaded
 * caller always starts at p0, so a seeded selector repeats exactly whatever thread runs it (the
 * simulator relies on this).
 *
 * Exactness. Each pick on a cursor advances it by one, so a cursor walks the rotation without
 * gaps or repeats: after m_s picks through cursor s, position j was returned floor(m_s / length)
 * or ceil(m_s / length) times. Summing over cursors, position j was returned M / length + e_j
 * times with |e_j| < (number of cursors used), M the total picks.
 *   - One thread (one cursor): length x k picks return every position exactly k times, in order.
 *   - Two threads on distinct cursors, 10^6 picks over 10 servers: each server within 2 picks of
 *     100 000.
 * The one inexact case: two threads whose ids collide mod K share a cursor, and an owner's plain
 * write can land just after an intruder's successful CAS; that repeats one position once (a
 * window of a few instructions). It shifts shares by the number of such races, which stays far
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

  private static final int PAD = 16; // longs per 128 bytes
  private static final long POSITION = 0xFFFF_FFFFL;
  private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(long[].class);

  private static final double GOLDEN = 0.6180339887498949;

  private final long[] cells; // cursor s at index (s + 1) * PAD; the first block guards the header
  private final int mask;
  private final int origin; // p0
  private final AtomicInteger claims = new AtomicInteger();

  /** Unclaimed cursors; the first claimed starts at a random position in {@code [0, length)}. */
  Stripes(RandomSource random, int length) {
    this.mask = STRIPES - 1;
    this.cells = new long[(STRIPES + 2) * PAD];
    // The same draw as the foundation's single-counter round robin, so a seeded selector's first
    // thread sees the very sequence it saw (tests elsewhere pin figures that depend on it).
    this.origin = random.nextInt(Integer.MAX_VALUE) % length;
  }

  static int stripeCount(int cores) {
    int want = Math.max(2, Math.min(64, 2 * cores));
    return Integer.highestOneBit(want - 1) << 1;
  }

  /** The cursor a thread with this id starts from (for tests that need distinct cursors). */
  static int stripeOf(long threadId) {
    return (int) threadId & (STRIPES - 1);
  }

  /** The next position, in {@code [0, length)}, on the calling thread's cursor. */
  @SuppressWarnings("deprecation") // Thread.getId(): threadId() exists only from Java 19
  int next(int length) {
    long[] c = cells;
    // The owner tag: the id's low 31 bits (distinct for any realistic thread count), never 0.
    int me = (int) Thread.currentThread().getId() | Integer.MIN_VALUE;
    int s = me;
    for (;;) {
      int idx = ((s & mask) + 1) * PAD;
      long v = (long) CELL.getOpaque(c, idx);
      int owner = (int) (v >>> 32);
      int p = owner == 0 ? start(length) : (int) (v & POSITION);
      int cur = p < length ? p : p % length;
      int nxt = cur + 1 == length ? 0 : cur + 1;
      long mine = ((long) me << 32) | nxt;
      if (owner == me) {
        CELL.setOpaque(c, idx, mine);
        return cur;
      }
      if (CELL.compareAndSet(c, idx, v, mine)) {
        return cur;
      }
      s++; // another thread holds this cursor: take the next one for this pick
    }
  }

  /** Where the next claimed cursor starts: once per cursor (plus lost races), off the hot path. */
  private int start(int length) {
    long offset = (long) (claims.getAndIncrement() * GOLDEN * length);
    return (int) ((origin + offset) % length);
  }

  @Override
  public String toString() {
    return "Stripes{" + STRIPES + '}';
  }
}
