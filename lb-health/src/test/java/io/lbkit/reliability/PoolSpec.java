package io.lbkit.reliability;

import io.lbkit.Server;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A generated pool content: {@code size} servers drawn from a seed, so that a property can range
 * over pools of 10 000 servers while the shrinker works on only two numbers. Ids come from {@code 0 ..
 * 2 x size}, so consecutive pools overlap: some members stay (keeping their health state), some
 * leave, some are new. Weights: 10% 0 (drained), 5% {@link Integer#MAX_VALUE}, else 1..100;
 * zones "", z1, z2, z3; priorities 0..3.
 */
record PoolSpec(int size, long seed) {

  List<Server> servers() {
    SplittableRandom r = new SplittableRandom(seed);
    List<Server> out = new ArrayList<>(size);
    java.util.Set<Integer> used = new java.util.HashSet<>();
    int span = Math.max(1, size * 2);
    while (out.size() < size) {
      int id = r.nextInt(span);
      if (!used.add(id)) {
        continue;
      }
      double w = r.nextDouble();
      int weight = w < 0.10 ? 0 : w < 0.15 ? Integer.MAX_VALUE : 1 + r.nextInt(100);
      String[] zones = {"", "z1", "z2", "z3"};
      out.add(Server.builder("10." + (id >> 16 & 255) + "." + (id >> 8 & 255) + "." + (id & 255),
              8000 + r.nextInt(1000))
          .id("srv-" + id)
          .weight(weight)
          .zone(zones[r.nextInt(zones.length)])
          .priority(r.nextInt(4))
          .build());
    }
    return out;
  }

  @Override
  public String toString() {
    return "pool(" + size + " servers, seed " + seed + ")";
  }
}
