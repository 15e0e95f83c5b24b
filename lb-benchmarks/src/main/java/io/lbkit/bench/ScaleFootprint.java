package io.lbkit.bench;

import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.health.EjectionLimits;
import io.lbkit.health.HealthConfig;
import io.lbkit.health.HealthMonitor;
import io.lbkit.strategy.Strategies;
import io.lbkit.testing.ManualScheduler;
import io.lbkit.testing.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jol.info.GraphLayout;

/**
 * What a large pool costs: the heap a {@link LoadBalancer} with {@link HealthConfig#defaults()}
 * holds per server (JOL's object graph of the balancer, minus the pool's snapshot: the servers), the time to build
 * one over the pool, and the heap and update time per departed server id. Not a JMH benchmark:
 * start-up is a one-shot cost, so it is timed as such (each build on a fresh JVM state is not
 * possible here; the first build includes class loading and JIT warm-up, later ones do not).
 *
 * <pre>
 * java -Xmx6g -cp lb-benchmarks/target/lb-benchmarks.jar io.lbkit.bench.ScaleFootprint [servers]
 * </pre>
 */
public final class ScaleFootprint {
  private ScaleFootprint() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int departures = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    List<Server> servers = BenchPools.servers(n);
    ServerPool pool = ServerPool.of(servers);

    for (int run = 1; run <= 3; run++) {
      long t0 = System.nanoTime();
      LoadBalancer lb = balancer(pool);
      long t1 = System.nanoTime();
      lb.choose();
      long t2 = System.nanoTime();
      System.out.printf("build %d: %,d servers, balancer with health built in %.0f ms"
          + " (first choose %.1f ms)%n", run, n, (t1 - t0) / 1e6, (t2 - t1) / 1e6);
      if (run == 3) {
        GraphLayout own = own(lb, pool);
        System.out.printf("heap: %,d bytes beyond the pool's own, %.0f bytes per server%n",
            own.totalSize(), own.totalSize() / (double) n);
        System.out.println(top(own, 20));
      }
      lb.close();
    }

    departed(departures);
  }

  private static LoadBalancer balancer(ServerPool pool) {
    ManualTicker ticker = new ManualTicker();
    return LoadBalancer.builder(pool)
        .strategy(Strategies.roundRobin())
        .health(HealthConfig.defaults())
        .ticker(ticker)
        .scheduler(new ManualScheduler(ticker))
        .executor(Runnable::run)
        .build();
  }

  /** How the departing servers leave: untouched, ejected, or with their breaker open. */
  private enum Leaving { HEALTHY, EJECTED, BREAKER_OPEN }

  /** Heap and update time per departed id, against 100 members, for each way of leaving. */
  private static void departed(int departures) {
    for (Leaving how : Leaving.values()) {
      departed(departures, how);
    }
  }

  private static void departed(int departures, Leaving how) {
    List<Server> members = BenchPools.servers(100);
    ManualTicker ticker = new ManualTicker();
    ServerPool pool = ServerPool.of(members);
    HealthMonitor m = HealthMonitor.builder(pool).ticker(ticker)
        .config(HealthConfig.builder()
            .ejection(EjectionLimits.builder().maxPercent(100).build()).build())
        .build();
    long before = own(m, pool).totalSize();
    double quiet = updateMillis(pool, members, m);
    for (int batch = 0; batch < departures; batch += 1000) {
      List<Server> all = new ArrayList<>(members);
      for (int i = batch; i < Math.min(departures, batch + 1000); i++) {
        all.add(Server.of("gone-" + i, 8080));
      }
      pool.update(all);
      for (Server s : all.subList(members.size(), all.size())) {
        int failures = how == Leaving.HEALTHY ? 0 : how == Leaving.EJECTED ? 5 : 100;
        for (int f = 0; f < failures; f++) {
          m.onFailure(s, m.onStart(s), new RuntimeException());
        }
      }
      pool.update(members);
      m.tick();
    }
    GraphLayout after = own(m, pool);
    double busy = updateMillis(pool, members, m);
    System.out.printf("departed %s: %,d ids cost %,d bytes, %.0f bytes per id;"
        + " an update + tick takes %.3f ms with them, %.3f ms without%n", how, departures,
        after.totalSize() - before, (after.totalSize() - before) / (double) departures, busy,
        quiet);
    System.out.println(top(after, 8));
    ticker.advance(Duration.ofMinutes(6));
    for (int i = 0; i < 100; i++) { // each tick expires a bounded batch of departed entries
      m.tick();
    }
    System.out.printf("after the grace period: %,d bytes (%,d before the departures)%n",
        own(m, pool).totalSize(), before);
    m.close();
  }

  /** Mean time of a pool update (one server drained, then back) with its tick; best of 5. */
  private static double updateMillis(ServerPool pool, List<Server> members, HealthMonitor m) {
    double best = Double.MAX_VALUE;
    for (int round = 0; round < 6; round++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < 200; i++) {
        Server s = members.get(i % members.size());
        pool.drain(s);
        pool.update(members);
        m.tick();
      }
      if (round > 0) { // the first round warms up
        best = Math.min(best, (System.nanoTime() - t0) / 1e6 / 200);
      }
    }
    return best;
  }

  /** What {@code root} holds beyond the pool's current servers (listeners lead back to it). */
  private static GraphLayout own(Object root, ServerPool pool) {
    return GraphLayout.parseInstance(root).subtract(GraphLayout.parseInstance(pool.snapshot()));
  }

  private static String top(GraphLayout g, int lines) {
    String[] rows = g.toFootprint().split("\n");
    StringBuilder out = new StringBuilder();
    List<String> body = new ArrayList<>();
    for (String r : rows) {
      if (r.matches("\\s*\\d+\\s+\\d+\\s+\\d+\\s+.*")) {
        body.add(r);
      }
    }
    body.sort((a, b) -> Long.compare(sum(b), sum(a)));
    for (int i = 0; i < Math.min(lines, body.size()); i++) {
      out.append(body.get(i)).append('\n');
    }
    return out.toString();
  }

  private static long sum(String row) {
    return Long.parseLong(row.trim().split("\\s+")[2]);
  }
}
