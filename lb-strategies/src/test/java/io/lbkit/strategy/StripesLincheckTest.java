package io.lbkit.strategy;

import io.lbkit.RandomSource;
import java.util.Arrays;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Model-checked (issue 13): threads racing for the shared first cursor, switching to the stripes
 * and claiming striped cursors, in every interleaving the checker reaches.
 *
 * <p>Not linearizable by design: the owner of the shared cursor may repeat a position while
 * another thread switches to the stripes (see {@link Stripes}). So the picks are logged and the
 * promise is checked at rest. The rotation is long (2^20), so cursors that start at distinct
 * golden-ratio points never meet within a run, and every cursor's walk shows separately:
 * <ul>
 *   <li>every pick is in range;
 *   <li>the first pick is the seeded start p0, and the shared cursor and the first striped
 *       cursor cover p0, p0 + 1, ... without a gap; a position there is picked at most twice, and
 *       the twice-picked ones are one run after p0 (the first striped cursor re-walking the
 *       shared cursor's last picks): p0 itself never, since a thread only switches once the
 *       shared cursor has been claimed and moved past it;
 *   <li>every other striped cursor walks its own run, gapless, each position once.
 * </ul>
 * That holds while no two live threads share a cursor (the other documented repeat): two
 * threads, whose consecutive ids always map to distinct first cursors (there are at least two).
 */
public class StripesLincheckTest { // public, with its members: Lincheck reflects
  private static final int LENGTH = 1 << 20;
  private static final long SEED = 42;
  private static final int P0 = RandomSource.seeded(SEED).nextInt(Integer.MAX_VALUE) % LENGTH;

  private final Stripes stripes = new Stripes(RandomSource.seeded(SEED), LENGTH);
  private final AtomicLongArray log = new AtomicLongArray(64); // (thread id << 32) | position
  private final AtomicInteger picks = new AtomicInteger();

  public StripesLincheckTest() {}

  @Operation
  public void pick() {
    int p = stripes.next(LENGTH);
    if (p < 0 || p >= LENGTH) {
      throw new IllegalStateException("pick out of range: " + p);
    }
    log.set(picks.getAndIncrement(), (Thread.currentThread().getId() << 32) | p);
  }

  @Validate
  public void picksWalkTheRotation() {
    int m = picks.get();
    int[] offsets = new int[m];
    long[] ids = new long[m];
    for (int i = 0; i < m; i++) {
      long entry = log.get(i);
      ids[i] = entry >>> 32;
      offsets[i] = Math.floorMod((int) entry - P0, LENGTH);
    }
    if (!distinctFirstCursors(ids)) {
      fail("Lincheck's threads share first cursors of " + Stripes.STRIPES + ": ids "
          + Arrays.toString(ids) + "; the check assumes they do not", offsets);
    }
    // Runs of nearby offsets: each run is one cursor's walk (two, for the one starting at p0).
    TreeMap<Integer, Integer> times = new TreeMap<>();
    for (int o : offsets) {
      times.merge(o, 1, Integer::sum);
    }
    int runStart = -1;
    int previous = -1;
    int doubledTo = -1;
    for (var e : times.entrySet()) {
      int o = e.getKey();
      int n = e.getValue();
      if (previous < 0 || o - previous > 2 * m) {
        runStart = o; // a new cursor's run
      } else if (o != previous + 1) {
        fail("a gap after offset " + previous, offsets);
      }
      previous = o;
      boolean firstRun = runStart == 0;
      if (n > (firstRun ? 2 : 1)) {
        fail("offset " + o + " picked " + n + " times", offsets);
      }
      if (n == 2) {
        if (o == 0 || (doubledTo >= 0 && o != doubledTo + 1)) {
          fail("offset " + o + " repeated outside the switch-over run", offsets);
        }
        doubledTo = o;
      }
    }
    if (m > 0 && !times.containsKey(0)) {
      fail("the seeded start was never picked", offsets);
    }
  }

  private static boolean distinctFirstCursors(long[] ids) {
    long[] unique = Arrays.stream(ids).distinct().toArray();
    return Arrays.stream(unique).map(id -> Stripes.stripeOf(id)).distinct().count()
        == unique.length;
  }

  private static void fail(String what, int[] offsets) {
    throw new IllegalStateException(what + "; picks as offsets from p0: "
        + Arrays.toString(offsets));
  }

  @Test
  void modelChecking() {
    new ModelCheckingOptions()
        .iterations(1) // one operation, so every scenario has the same shape
        .invocationsPerIteration(800)
        .threads(2)
        .actorsPerThread(3)
        .actorsBefore(0)
        .actorsAfter(1)
        .check(getClass());
  }
}
