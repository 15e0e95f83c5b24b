package io.lbkit.strategy;

import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.Strategy;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.PickReport;
import io.lbkit.spi.Picker;

/**
 * Key hash ("IP hash"): a request's precomputed 64-bit key hash is reduced onto the candidates, so
 * one key always reaches one server while the candidate set stays the same. Any change of the set
 * remaps most keys; use {@code consistentHash()}, {@code maglev()} or {@code rendezvous()} when
 * keys should stay put.
 *
 * <p>Weights are honoured in O(1) by drawing the hash through an {@link AliasTable} over the
 * configured weights: the top 32 bits choose a column, the low 32 bits flip the column's biased
 * coin. With equal weights the mapping is a plain multiply-high reduction. A request without a key
 * gets a random position (weighted random). Excluded servers are passed over by walking to the
 * next candidate. The slow-start ramp is not applied ({@link #usesRamp()} is false): key affinity
 * wins, as in Envoy, whose slow start covers only round robin and least request.
 */
enum HashStrategy implements Strategy {
  INSTANCE;

  @Override
  public Picker newPicker(Candidates candidates, Picker previous) {
    return new HashPicker(candidates);
  }

  @Override
  public boolean usesRamp() {
    return false;
  }

  @Override
  public String toString() {
    return "hash";
  }

  static final class HashPicker implements Picker {
    private final Candidates candidates;
    private final Server[] servers;
    private final RandomSource random;
    private final AliasTable table;

    HashPicker(Candidates c) {
      this.candidates = c;
      this.servers = c.servers().toArray(new Server[0]);
      this.random = c.random();
      this.table = AliasTable.of(c, false);
    }

    @Override
    public Server pick(Request request) {
      int i = table.draw(HashKeys.position(request, random));
      return request.hasExclusions() ? Walk.allowed(candidates, i, request) : servers[i];
    }

    @Override
    public Picker copy(RandomSource random) {
      return new HashPicker(candidates.withRandom(random));
    }

    @Override
    public void describe(Request request, Server chosen, PickReport report) {
      Server owner = request.hasKey() ? servers[table.draw(request.keyHash())] : null;
      Explain.owner(candidates, request, owner, "hash", report);
    }
  }
}
