package io.lbkit.strategy;

import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.PickReport;
import io.lbkit.spi.Picker;
import io.lbkit.spi.ServerLoad;

/**
 * The pick every load-aware strategy shares (least connections, weighted least connections, power
 * of two choices, peak EWMA): the candidate that costs least, found by an exact scan or by two
 * random choices, ties to a random one. A subclass says only what a candidate costs. Pickers read
 * load through {@link ServerLoad} only; no lock, no allocation.
 *
 * <pre>
 * Two choices (Mitzenmacher's power of two choices; Finagle's P2CPick): one 64-bit draw gives two
 *   distinct uniform candidates a and b and a fair coin ({@link Draw}); the lower cost wins, the
 *   coin breaks a tie. With one candidate there is nothing to draw.
 * Exact scan: every allowed candidate's cost is read once and the lowest kept; the k-th candidate
 *   that ties the lowest so far replaces it with probability 1/k (reservoir sampling, the bits from
 *   xorshift steps on one draw), so a tie goes to a uniformly random one of the tied candidates,
 *   never always to the first.
 * Then: when the cost already holds the slow-start ramp (weighted costs), the winner stands and
 *   only an excluded winner walks on ({@link Walk#allowed}); otherwise a ramping winner is accepted
 *   with its ramp probability, else the shared walk decides ({@link Walk#from}).
 * </pre>
 */
abstract class LoadPicker implements Picker {
  final Candidates candidates;
  final Server[] servers;
  final ServerLoad[] loads;
  private final RandomSource random;
  private final boolean exact;
  private final boolean rampInCost;
  private final boolean rampDraw;

  /**
   * @param exact scan every candidate rather than compare two random ones
   * @param rampInCost whether {@link #cost} already includes the slow-start ramp
   */
  LoadPicker(Candidates candidates, boolean exact, boolean rampInCost) {
    this.candidates = candidates;
    this.servers = candidates.servers().toArray(new Server[0]);
    this.loads = new ServerLoad[servers.length];
    for (int i = 0; i < loads.length; i++) {
      loads[i] = candidates.load(i);
    }
    this.random = candidates.random();
    this.exact = exact;
    this.rampInCost = rampInCost;
    this.rampDraw = !rampInCost && candidates.isRamping();
  }

  /** The same picker over {@code c} (a copy's candidates), in the same mode. */
  abstract LoadPicker twin(Candidates c, boolean exact);

  /** Candidate {@code i}'s cost in words, for explanations. */
  String costText(int i) {
    return "cost " + Explain.num(cost(i));
  }

  @Override
  public final Picker copy(RandomSource random) {
    return twin(candidates.withRandom(random), exact);
  }

  @Override
  public void describe(Request request, Server chosen, PickReport report) {
    for (int i = 0; i < servers.length; i++) {
      report.score(servers[i], costText(i) + (rampInCost ? "" : Explain.rampDraw(candidates, i)));
    }
    report.note(exact ? "exact scan: the lowest cost, a tie to a random one"
        : servers.length == 1 ? "one candidate" : "two random candidates, the lower cost");
  }

  /** What candidate {@code i} costs now; the lowest wins. */
  abstract double cost(int i);

  /**
   * The cheaper of two distinct candidates, {@code a} on a tie when {@code coin}, else {@code b}.
   * A picker may override it to compare in its own terms, with the same rule: in ints (least
   * connections), or without a clock (peak EWMA).
   */
  int cheaper(int a, int b, boolean coin) {
    double ca = cost(a);
    double cb = cost(b);
    return ca < cb ? a : ca > cb ? b : coin ? a : b;
  }

  @Override
  public final Server pick(Request request) {
    int i = exact ? lowest(request) : twoChoices();
    if (i < 0) {
      return null;
    }
    if (!rampDraw && !request.hasExclusions()) {
      return servers[i];
    }
    return rampInCost ? Walk.allowed(candidates, i, request) : Walk.from(candidates, i, request);
  }

  private int twoChoices() {
    int n = servers.length;
    if (n == 1) {
      return 0;
    }
    long r = random.nextLong();
    int a = Draw.first(r, n);
    return cheaper(a, Draw.second(r, n, a), Draw.coin(r));
  }

  /** The allowed candidate of lowest cost, ties to a random one; -1 when all are excluded. */
  private int lowest(Request request) {
    boolean excluding = request.hasExclusions();
    long bits = random.nextLong() | 1L; // xorshift needs a non-zero state
    int best = -1;
    double bestCost = Double.POSITIVE_INFINITY;
    int ties = 0;
    for (int i = 0; i < servers.length; i++) {
      if (excluding && request.excludes(servers[i])) {
        continue;
      }
      double c = cost(i);
      if (best < 0 || c < bestCost) {
        best = i;
        bestCost = c;
        ties = 1;
      } else if (c == bestCost) {
        bits = Draw.next(bits);
        if (Draw.index(bits, ++ties) == 0) {
          best = i;
        }
      }
    }
    return best;
  }
}
