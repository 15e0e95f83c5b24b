package io.lbkit.strategy;

import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.Strategy;
import io.lbkit.internal.Hashing;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.PickReport;
import io.lbkit.spi.Picker;

/**
 * Rendezvous (highest random weight) hashing, weighted: every candidate scores the key and the
 * highest score wins. No table at all: removing a server moves exactly the keys it won, adding one
 * moves only the keys it now wins. A pick is O(n) by nature (one mix per candidate), so prefer it
 * for small pools or when memory for a ring or Maglev table matters more than pick time.
 *
 * <pre>
 * Per candidate i, precomputed on the write path: seed s_i = hash64(id_i), weight w_i.
 * For key hash h: x_i = mix64(h ^ s_i), u_i = (top 53 bits of x_i + 1/2) / 2^53, in (0, 1),
 *   score_i = w_i / -ln(u_i)                          (Schindelhauer and Schomaker's weighting)
 * -ln(u_i) is exponential with rate 1, so score_i^-1 is exponential with rate w_i and the
 * minimum of independent exponentials falls on i with probability w_i / W: each server wins a
 * share of keys equal to its weight share, and a score does not depend on the other servers.
 * Equal weights: the largest u_i wins, so the pick compares the 53-bit values and skips ln.
 * </pre>
 *
 * <p>No key: a random position. Exclusions: excluded candidates do not compete. The slow-start
 * ramp is not applied (key affinity wins; {@link #usesRamp()} is false).
 */
enum RendezvousStrategy implements Strategy {
  INSTANCE;

  @Override
  public Picker newPicker(Candidates candidates, Picker previous) {
    return new RendezvousPicker(candidates);
  }

  /** Scores use configured weights only. */
  @Override
  public boolean usesRamp() {
    return false;
  }

  @Override
  public String toString() {
    return "rendezvous";
  }

  static final class RendezvousPicker implements Picker {
    private final Server[] servers;
    private final long[] seeds;
    /** Weights, or null when all are equal. */
    private final double[] weights;
    private final RandomSource random;

    RendezvousPicker(Candidates c) {
      int n = c.size();
      servers = c.servers().toArray(new Server[0]);
      seeds = new long[n];
      boolean equal = true;
      for (int i = 0; i < n; i++) {
        seeds[i] = Hashing.hash64(servers[i].id());
        equal &= c.weight(i) == c.weight(0);
      }
      if (equal) {
        weights = null;
      } else {
        weights = new double[n];
        for (int i = 0; i < n; i++) {
          weights[i] = c.weight(i);
        }
      }
      random = c.random();
    }

    /** {@code from}'s tables, drawing from {@code random}: a copy, for explanations. */
    private RendezvousPicker(RendezvousPicker from, RandomSource random) {
      this.servers = from.servers;
      this.seeds = from.seeds;
      this.weights = from.weights;
      this.random = random;
    }

    @Override
    public Server pick(Request request) {
      long h = HashKeys.position(request, random);
      boolean exclusions = request.hasExclusions();
      Server[] s = servers;
      long[] seed = seeds;
      double[] w = weights;
      int best = -1;
      if (w == null) {
        long top = -1;
        for (int i = 0; i < s.length; i++) {
          long u = Hashing.mix64(h ^ seed[i]) >>> 11;
          if (u > top && (!exclusions || !request.excludes(s[i]))) {
            top = u;
            best = i;
          }
        }
      } else {
        double top = -1;
        for (int i = 0; i < s.length; i++) {
          double u = ((Hashing.mix64(h ^ seed[i]) >>> 11) + 0.5) * 0x1.0p-53;
          double score = w[i] / -Math.log(u);
          if (score > top && (!exclusions || !request.excludes(s[i]))) {
            top = score;
            best = i;
          }
        }
      }
      return best < 0 ? null : s[best];
    }

    @Override
    public Picker copy(RandomSource random) {
      return new RendezvousPicker(this, random);
    }

    @Override
    public void describe(Request request, Server chosen, PickReport report) {
      if (!request.hasKey()) {
        report.note("no key: a random position, the highest score there wins");
        return;
      }
      long h = request.keyHash();
      for (int i = 0; i < servers.length; i++) {
        double u = ((Hashing.mix64(h ^ seeds[i]) >>> 11) + 0.5) * 0x1.0p-53;
        double w = weights == null ? 1.0 : weights[i];
        report.score(servers[i], "score for the key " + Explain.num(w / -Math.log(u))
            + " (weight " + servers[i].weight() + "; the highest wins)");
      }
    }
  }
}
