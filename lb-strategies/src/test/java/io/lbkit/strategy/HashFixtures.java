package io.lbkit.strategy;

import io.lbkit.LoadTracker;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.Strategy;
import io.lbkit.spi.Candidates;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Servers, keys and tallies shared by the hash-family tests. Everything is seeded. */
final class HashFixtures {
  static final int KEYS = 100_000;

  private HashFixtures() {}

  /** Servers 10.0.<i/250>.<i%250 + 1>:8080, weight 1. */
  static List<Server> servers(int n) {
    List<Server> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(Server.of("10.0." + (i / 250) + "." + (i % 250 + 1), 8080));
    }
    return out;
  }

  static List<Server> weighted(int... weights) {
    List<Server> out = new ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      out.add(Server.builder("10.1.0." + (i + 1), 8080).weight(weights[i]).build());
    }
    return out;
  }

  static Request[] keys(int count) {
    Request[] r = new Request[count];
    for (int i = 0; i < count; i++) {
      r[i] = Request.withKey("user-" + i);
    }
    return r;
  }

  static Selector selector(Strategy strategy, ServerPool pool) {
    return Selector.builder(pool).strategy(strategy).random(RandomSource.seeded(42)).build();
  }

  /** The id of the server each key goes to. */
  static String[] owners(Selector selector, Request[] keys) {
    String[] out = new String[keys.length];
    for (int i = 0; i < keys.length; i++) {
      out[i] = selector.choose(keys[i]).id();
    }
    return out;
  }

  static Map<String, Integer> tally(String[] owners) {
    Map<String, Integer> m = new HashMap<>();
    for (String id : owners) {
      m.merge(id, 1, Integer::sum);
    }
    return m;
  }

  /** max share / mean share over {@code servers} servers. */
  static double maxOverMean(String[] owners, int servers) {
    int max = 0;
    for (int c : tally(owners).values()) {
      max = Math.max(max, c);
    }
    return max / ((double) owners.length / servers);
  }

  /** Candidates over a pool, as a LoadTracker compiles them. */
  static Candidates candidates(ServerPool pool) {
    return LoadTracker.create().candidates(pool.snapshot(), RandomSource.seeded(1));
  }

  /** Summary of what removing {@code removed} did to the key map. */
  record Moves(int moved, int ownedByRemoved, int movedFromOthers) {}

  static Moves moves(String[] before, String[] after, String removedId) {
    int moved = 0;
    int owned = 0;
    int others = 0;
    for (int i = 0; i < before.length; i++) {
      boolean wasRemoved = before[i].equals(removedId);
      owned += wasRemoved ? 1 : 0;
      if (!before[i].equals(after[i])) {
        moved++;
        others += wasRemoved ? 0 : 1;
      }
    }
    return new Moves(moved, owned, others);
  }
}
