package io.lbkit.strategy;

import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.Strategy;
import io.lbkit.internal.Checks;
import io.lbkit.internal.Hashing;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.PickReport;
import io.lbkit.spi.Picker;

/**
 * Maglev hashing (Eisenbud et al., NSDI 2016): a lookup table of prime size M whose slots are
 * shared out among the candidates in proportion to weight; a key goes to the owner of slot {@code
 * reduce(hash, M)}. O(1) pick, one array read; a change of one server moves little more than that
 * server's share of keys.
 *
 * <pre>
 * Each candidate i has a permutation of the slots from its id hash s_i:
 *   offset_i = (s_i >>> 1) mod M,  skip_i = (mix64(s_i) >>> 1) mod (M - 1) + 1,
 *   permutation_i(j) = (offset_i + j * skip_i) mod M      (M prime: every skip visits every slot)
 * Population in turns: in round r = 1, 2, ... candidate i takes a turn while
 *   filled_i < r * w_i / w_max, so the heaviest takes one turn per round and the others in
 *   proportion (the paper's weighted variant). A turn claims the next slot of the candidate's
 *   permutation that nobody holds yet. Rounds stop when all M slots are held, so
 *   filled_i / M ~ w_i / W, within one slot per round of rounding.
 * Cost: O(M log M) probes for equal weights (the coupon-collector tail), M = 65537 by default.
 * </pre>
 *
 * <p>No key: a random slot (weighted random). Exclusions: the following slots are tried in order.
 * The slow-start ramp is not applied (key affinity wins; {@link #usesRamp()} is false). The table is rebuilt on the write path
 * whenever the candidates change; the table size must be a prime no smaller than the candidate
 * count, and the paper advises M > 100 x N for small disruption.
 */
final class MaglevStrategy implements Strategy {
  static final int DEFAULT_TABLE_SIZE = 65_537;
  /** Bound so that offset + skip never overflows an int. */
  static final int MAX_TABLE_SIZE = 1 << 26;

  private final int tableSize;

  MaglevStrategy(int tableSize) {
    Checks.argument(tableSize >= 2 && tableSize <= MAX_TABLE_SIZE && isPrime(tableSize),
        "tableSize", tableSize, "a prime in 2.." + MAX_TABLE_SIZE);
    this.tableSize = tableSize;
  }

  static boolean isPrime(int n) {
    if (n < 2) {
      return false;
    }
    if (n % 2 == 0) {
      return n == 2;
    }
    for (int d = 3; (long) d * d <= n; d += 2) {
      if (n % d == 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public Picker newPicker(Candidates candidates, Picker previous) {
    Checks.argument(candidates.size() <= tableSize, "tableSize", tableSize,
        "a prime >= the candidate count " + candidates.size());
    return new MaglevPicker(candidates, populate(candidates, tableSize));
  }

  /** The slot-to-candidate table of size m. */
  static int[] populate(Candidates c, int m) {
    int n = c.size();
    int[] pos = new int[n];
    int[] skip = new int[n];
    double[] share = new double[n];
    long[] filled = new long[n];
    int maxWeight = 0;
    for (int i = 0; i < n; i++) {
      maxWeight = Math.max(maxWeight, c.weight(i));
    }
    for (int i = 0; i < n; i++) {
      long s = Hashing.hash64(c.server(i).id());
      pos[i] = (int) ((s >>> 1) % m);
      skip[i] = m == 2 ? 1 : (int) ((Hashing.mix64(s) >>> 1) % (m - 1)) + 1;
      share[i] = (double) c.weight(i) / maxWeight;
    }
    int[] table = new int[m];
    java.util.Arrays.fill(table, -1);
    int taken = 0;
    for (long round = 1; taken < m; round++) {
      for (int i = 0; i < n && taken < m; i++) {
        if (filled[i] >= round * share[i]) {
          continue;
        }
        int p = pos[i];
        while (table[p] >= 0) {
          p += skip[i];
          if (p >= m) {
            p -= m;
          }
        }
        table[p] = i;
        filled[i]++;
        taken++;
        p += skip[i];
        pos[i] = p >= m ? p - m : p;
      }
    }
    return table;
  }

  /** The table follows configured weights only: a ramp step needs no new table. */
  @Override
  public boolean usesRamp() {
    return false;
  }

  @Override
  public String toString() {
    return "maglev{tableSize=" + tableSize + '}';
  }

  static final class MaglevPicker implements Picker {
    private final Candidates candidates;
    private final Server[] servers;
    private final int[] table;
    private final RandomSource random;

    MaglevPicker(Candidates c, int[] table) {
      this.candidates = c;
      this.servers = c.servers().toArray(new Server[0]);
      this.table = table;
      this.random = c.random();
    }

    @Override
    public Server pick(Request request) {
      int[] t = table;
      int slot = HashKeys.reduce(HashKeys.position(request, random), t.length);
      if (!request.hasExclusions()) {
        return servers[t[slot]];
      }
      if (Walk.excludesAll(candidates, request)) {
        return null;
      }
      Server s = Walk.alongTable(candidates, t, slot, t.length, request);
      // Else only candidates whose weight earned no slot are left.
      return s != null ? s : Walk.allowed(candidates, 0, request);
    }

    @Override
    public Picker copy(RandomSource random) {
      return new MaglevPicker(candidates.withRandom(random), table);
    }

    @Override
    public void describe(Request request, Server chosen, PickReport report) {
      int[] slots = new int[servers.length];
      for (int c : table) {
        slots[c]++;
      }
      int key = request.hasKey() ? table[HashKeys.reduce(request.keyHash(), table.length)] : -1;
      for (int i = 0; i < servers.length; i++) {
        report.score(servers[i], "weight " + candidates.weight(i) + ", " + slots[i] + " of "
            + table.length + " slots" + (i == key ? ", owner of the key's slot" : ""));
      }
      if (!request.hasKey()) {
        report.note("no key: a random slot");
      }
    }
  }
}
