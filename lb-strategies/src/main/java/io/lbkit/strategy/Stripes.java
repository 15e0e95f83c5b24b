package io.lbkit.strategy;

import io.lbkit.RandomSource;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Striped cursors over a cyclic sequence of positions {@code 0 .. length-1}: the shared state of
 * round robin and weighted round robin, built once and handed from picker to picker across
 * rebuilds. Thread-safe and lock-free; {@link #next} never allocates.
 *
 * <pre>
 * Why stripes. One shared counter makes every pick of every thread write the same cache line,
 * so at two threads each pick waits for the line to travel between cores (~30-70 ns measured for
 * peers' single-counter round robins). Here there are K = STRIPES cursors, each alone on its own
 * 128-byte block (two cache lines, so the adjacent-line prefetcher does not pair them either).
 * A thread uses cursor (threadId mod K); thread ids are handed out consecutively, so up to K
 * threads created together land on distinct cursors and never share a line.
 *
 * Cursor s holds a position p_s in [0, length); a pick returns p_s and stores (p_s + 1) mod
 * length with one compare-and-set. Each cursor starts at its own random position, so threads
 * start at different points of the rotation instead of sending their first calls to the same
 * server in lockstep.
 *
 * Exactness. Every successful CAS is one pick and advances its cursor by one, so each cursor
 * walks the rotation without gaps or repeats: after m_s picks through cursor s, position j was
 * returned floor(m_s / length) or ceil(m_s / length) times. Summing over cursors, position j was
 * returned M / length + e_j times with |e_j| < (number of cursors used), M the total picks.
 *   - One thread (one cursor): length x k picks return every position exactly k times, in order.
 *   - Two threads, 10^6 picks over 10 servers: each server within 2 picks of 100 000 (0.002%).
 * A collision (two threads on one cursor, or a failed CAS) costs speed, never exactness: on a
 * failed CAS the thread moves on to the next cursor for that pick, which spreads colliding
 * threads without per-thread state.
 *
 * Rebuilds. The cursors outlive pickers: a picker built from a previous one reuses its Stripes,
 * so the rotation continues where it was. If the sequence got shorter, a stored position at or
 * beyond the new length is reduced modulo the length (the one division, off the common path).
 * </pre>
 */
final class Stripes {
  /** Cursors: a power of two, about twice the cores, so that concurrent threads rarely share. */
  static final int STRIPES = stripeCount(Runtime.getRuntime().availableProcessors());

  private static final int PAD = 32; // ints per 128 bytes
  private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(int[].class);

  private final int[] cells; // cursor s at index (s + 1) * PAD; the first block guards the header
  private final int mask;

  /** Cursors starting at random positions in {@code [0, length)}. */
  Stripes(RandomSource random, int length) {
    this.mask = STRIPES - 1;
    this.cells = new int[(STRIPES + 2) * PAD];
    for (int s = 0; s < STRIPES; s++) {
      cells[(s + 1) * PAD] = random.nextInt(length);
    }
    VarHandle.releaseFence();
  }

  static int stripeCount(int cores) {
    int want = Math.max(2, Math.min(64, 2 * cores));
    return Integer.highestOneBit(want - 1) << 1;
  }

  /** The next position, in {@code [0, length)}, on the calling thread's cursor. */
  @SuppressWarnings("deprecation") // Thread.getId(): threadId() exists only from Java 19
  int next(int length) {
    int[] c = cells;
    int s = (int) Thread.currentThread().getId();
    for (;;) {
      int idx = ((s & mask) + 1) * PAD;
      int p = (int) CELL.getVolatile(c, idx);
      int cur = p < length ? p : p % length;
      int nxt = cur + 1 == length ? 0 : cur + 1;
      if (CELL.compareAndSet(c, idx, p, nxt)) {
        return cur;
      }
      s++; // another thread holds this cursor: take the next one for this pick
    }
  }

  @Override
  public String toString() {
    return "Stripes{" + STRIPES + '}';
  }
}
