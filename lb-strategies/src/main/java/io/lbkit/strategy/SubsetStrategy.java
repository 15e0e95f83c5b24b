package io.lbkit.strategy;

import io.lbkit.PoolSnapshot;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.Strategy;
import io.lbkit.internal.Hashing;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.PickReport;
import io.lbkit.spi.Picker;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;

/**
 * Deterministic subsetting (Google SRE book, chapter 20): each client talks to a stable subset of
 * {@code size} servers, and across clients the servers get equal numbers of clients, so connection
 * counts stay flat as clients x servers grow. The delegate picks within the subset.
 *
 * <pre>
 * Servers: all pool members (drained ones too, so a drain does not reshuffle anyone's subset),
 *   sorted by id, so every client sees the same list whatever order its pool was given in.
 *   B = their number, k = size; when B <= k the subset is the whole pool.
 * Client ordinal c: the client id itself when it is a decimal number (a StatefulSet ordinal, a
 *   replica index), else hash64(id) >>> 1.
 * subsetCount = floor(B / k); round = c / subsetCount; subsetId = c mod subsetCount.
 * The sorted list is shuffled (Fisher-Yates) with a generator seeded by round, identical in every
 *   client, and the subset is positions [subsetId x k, subsetId x k + k).
 * Balance: the subsets of one round are disjoint and, when k divides B, cover every server once.
 *   Clients 0 .. C-1 make floor(C / subsetCount) full rounds plus one partial round, so every
 *   server has floor(C / subsetCount) or one more clients: 100 clients, 30 servers, k = 10
 *   give subsetCount 3, 33 full rounds and one client left, so 33 or 34 clients per server.
 *   When k does not divide B, B mod k servers sit out each round (different ones, as the shuffle
 *   differs), and the balance is only close. Hashed ids balance only statistically.
 * </pre>
 *
 * <p>Health: the subset is computed from membership only; the delegate sees the subset's current
 * candidates. If none of them is a candidate, the delegate sees all candidates rather than fail.
 * A request that excludes every subset member gets nothing ({@code ALL_EXCLUDED}): a failover
 * stays inside the subset, which keeps the connection count bounded.
 */
final class SubsetStrategy implements Strategy {
  private final int size;
  private final String clientId;
  private final long ordinal;
  private final Strategy delegate;

  SubsetStrategy(int size, String clientId, Strategy delegate) {
    this.size = size;
    this.clientId = clientId;
    this.ordinal = ordinal(clientId);
    this.delegate = delegate;
  }

  /** A decimal id is its own ordinal (so ids 0..C-1 balance exactly); others are hashed. */
  static long ordinal(String clientId) {
    if (clientId.length() <= 18 && clientId.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
      return Long.parseLong(clientId);
    }
    return Hashing.hash64(clientId) >>> 1;
  }

  @Override
  public Picker newPicker(Candidates candidates, Picker previous) {
    SubsetPicker prev = previous instanceof SubsetPicker && ((SubsetPicker) previous).owner == this
        ? (SubsetPicker) previous
        : null;
    Set<String> members = prev != null && prev.pool == candidates.pool()
        ? prev.members
        : members(candidates.pool(), size, ordinal);
    Candidates inSubset = candidates.filter(i -> members.contains(candidates.server(i).id()));
    Candidates chosen = inSubset.isEmpty() ? candidates : inSubset;
    Picker inner = delegate.newPicker(chosen, prev == null ? null : prev.delegate);
    return new SubsetPicker(this, candidates.pool(), members, inner);
  }

  /** The ids of the subset of {@code pool} for a client ordinal. */
  static Set<String> members(PoolSnapshot pool, int size, long ordinal) {
    Server[] servers = pool.servers().toArray(new Server[0]);
    Arrays.sort(servers, Comparator.comparing(Server::id));
    int b = servers.length;
    Set<String> ids = new HashSet<>(Math.max(4, Math.min(b, size) * 2));
    if (b <= size) {
      for (Server s : servers) {
        ids.add(s.id());
      }
      return ids;
    }
    long subsetCount = b / size;
    long round = ordinal / subsetCount;
    int subsetId = (int) (ordinal % subsetCount);
    RandomSource rnd = RandomSource.seeded(round);
    for (int i = b - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      Server t = servers[i];
      servers[i] = servers[j];
      servers[j] = t;
    }
    for (int i = subsetId * size; i < subsetId * size + size; i++) {
      ids.add(servers[i].id());
    }
    return ids;
  }

  /** The subset depends on membership only; the delegate decides. */
  @Override
  public boolean usesRamp() {
    return delegate.usesRamp();
  }

  @Override
  public void addChangeListener(Runnable listener) {
    delegate.addChangeListener(listener);
  }

  @Override
  public void removeChangeListener(Runnable listener) {
    delegate.removeChangeListener(listener);
  }

  @Override
  public void onLoadReport() {
    delegate.onLoadReport();
  }

  @Override
  public String toString() {
    return "subset{size=" + size + ", clientId=" + clientId + ", " + delegate + '}';
  }

  static final class SubsetPicker implements Picker {
    final SubsetStrategy owner;
    final PoolSnapshot pool;
    final Set<String> members;
    final Picker delegate;

    SubsetPicker(SubsetStrategy owner, PoolSnapshot pool, Set<String> members, Picker delegate) {
      this.owner = owner;
      this.pool = pool;
      this.members = members;
      this.delegate = delegate;
    }

    @Override
    public Server pick(Request request) {
      return delegate.pick(request);
    }

    @Override
    public Picker copy(RandomSource random) {
      Picker d = delegate.copy(random);
      return d == null ? null : new SubsetPicker(owner, pool, members, d);
    }

    @Override
    public void describe(Request request, Server chosen, PickReport report) {
      delegate.describe(request, chosen, report);
      for (Server s : PickReport.scored(delegate, request, chosen)) {
        if (!members.contains(s.id())) { // the delegate sees outsiders: the subset had none up
          report.note("no member of this client's subset is available: the whole pool is used");
          return;
        }
      }
      for (Server s : pool.servers()) {
        if (!members.contains(s.id())) {
          report.leftOut(s, "outside this client's subset of " + owner.size);
        }
      }
    }
  }
}
