package io.lbkit.bench;

import io.lbkit.Server;
import java.util.ArrayList;
import java.util.List;

/** Server lists shared by the benchmarks, so every benchmark picks over the same pools. */
public final class BenchPools {
  private BenchPools() {}

  /** {@code n} servers with weight 1, ids {@code 10.x.y.z:8080}. */
  public static List<Server> servers(int n) {
    List<Server> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(Server.of("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255), 8080));
    }
    return list;
  }

  /** {@code n} servers with weights cycling 1..5. */
  public static List<Server> weightedServers(int n) {
    List<Server> list = new ArrayList<>(n);
    List<Server> plain = servers(n);
    for (int i = 0; i < n; i++) {
      list.add(plain.get(i).toBuilder().weight(1 + i % 5).build());
    }
    return list;
  }
}
