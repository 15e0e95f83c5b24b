package io.lbkit.demo;

import io.lbkit.HealthTracker;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.ServerStats;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The per-server table the demo prints once a second, from the tracker's {@link ServerStats}:
 * requests and errors per second (differences between two prints), share of the second's
 * requests, calls in flight, peak-EWMA latency, and state. Called from one thread only.
 */
final class LiveTable {
  private final ServerPool pool;
  private final HealthTracker tracker;
  private final OrderWorkload orders;
  private final PrintStream out;
  private final Map<String, long[]> previous = new HashMap<>(); // id -> {requests, failures}
  private long previousNanos = System.nanoTime();
  private long previousPlaced;

  LiveTable(ServerPool pool, HealthTracker tracker, OrderWorkload orders, PrintStream out) {
    this.pool = pool;
    this.tracker = tracker;
    this.orders = orders;
    this.out = out;
  }

  void print(double atSeconds) {
    long now = System.nanoTime();
    double seconds = Math.max(1e-3, (now - previousNanos) / 1e9);
    previousNanos = now;
    List<Server> servers = new ArrayList<>(pool.servers());
    // by name (inv-2 before inv-10): a discovered pool comes in the registry's order
    servers.sort(Comparator.comparing((Server s) -> DemoNames.of(s).length())
        .thenComparing(DemoNames::of));
    ServerStats[] stats = new ServerStats[servers.size()];
    long[] requests = new long[stats.length];
    long[] failures = new long[stats.length];
    long total = 0;
    for (int i = 0; i < stats.length; i++) {
      Server s = servers.get(i);
      stats[i] = tracker.stats(s);
      long[] before = previous.getOrDefault(s.id(), new long[2]);
      requests[i] = stats[i].requests() - before[0];
      failures[i] = stats[i].failures() - before[1];
      previous.put(s.id(), new long[] {stats[i].requests(), stats[i].failures()});
      total += requests[i];
    }
    long placed = orders.placed.get();
    StringBuilder sb = new StringBuilder(512);
    sb.append(String.format(Locale.ROOT,
        "%n[%5.1fs] orders/s %5.0f   placed %d   failed %d   ambiguous writes %d%n",
        atSeconds, (placed - previousPlaced) / seconds, placed, orders.failed.get(),
        orders.ambiguous.get()));
    previousPlaced = placed;
    sb.append(String.format(Locale.ROOT, "  %-8s %-10s %7s %6s %9s %8s %8s%n",
        "server", "state", "req/s", "share", "in-flight", "ewma ms", "errors/s"));
    for (int i = 0; i < stats.length; i++) {
      ServerStats st = stats[i];
      sb.append(String.format(Locale.ROOT, "  %-8s %-10s %7.0f %5.1f%% %9d %8.1f %8.0f%n",
          DemoNames.of(st.server()), state(st), requests[i] / seconds,
          total == 0 ? 0.0 : 100.0 * requests[i] / total, st.inFlight(),
          st.ewmaLatencyNanos() / 1e6, failures[i] / seconds));
    }
    out.print(sb);
  }

  static String state(ServerStats st) {
    switch (st.state()) {
      case HEALTHY:
        return "healthy";
      case SLOW_START:
        return "slow-start";
      case EJECTED:
        return "ejected";
      case DRAINING:
        return "draining";
      case DRAINED:
        return "drained";
      default:
        return "not in pool";
    }
  }
}
