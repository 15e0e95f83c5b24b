package io.lbkit.demo;

import io.lbkit.HealthTracker;
import io.lbkit.Server;
import io.lbkit.ServerStats;
import io.lbkit.ServerPool;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The per-server table the demo prints once a second, from the balancer's meters: requests and
 * errors per second (differences between two prints), share of the second's requests, calls in
 * flight, peak-EWMA latency, and state; above it, the second's retries, hedges and budget
 * refusals. A server that answered nothing successfully in the second shows "—" for latency:
 * the EWMA of refused connections says nothing about how fast it serves. Called from one thread
 * only.
 */
final class LiveTable {
  private final ServerPool pool;
  private final HealthTracker tracker;
  private final DemoMeters meters;
  private final OrderWorkload orders;
  private final PrintStream out;
  private final Map<String, long[]> previous = new HashMap<>(); // id -> {successes, failures}
  private long previousNanos = System.nanoTime();
  private long previousPlaced;
  private long[] previousExtras = new long[3]; // retries, hedges, budget refusals

  LiveTable(ServerPool pool, HealthTracker tracker, DemoMeters meters, OrderWorkload orders,
      PrintStream out) {
    this.pool = pool;
    this.tracker = tracker;
    this.meters = meters;
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
    long[] successes = new long[servers.size()];
    long[] failures = new long[servers.size()];
    long total = 0;
    for (int i = 0; i < servers.size(); i++) {
      Server s = servers.get(i);
      long ok = meters.requests(s, "success");
      long failed = meters.requests(s, "failure");
      long[] before = previous.getOrDefault(s.id(), new long[2]);
      successes[i] = ok - before[0];
      failures[i] = failed - before[1];
      previous.put(s.id(), new long[] {ok, failed});
      total += successes[i] + failures[i];
    }
    long placed = orders.placed.get();
    long[] extras = {meters.attempts("retry"), meters.attempts("hedge"), meters.budgetRefusals()};
    StringBuilder sb = new StringBuilder(512);
    sb.append(String.format(Locale.ROOT,
        "%n[%5.1fs] orders/s %5.0f   placed %d   failed %d   ambiguous writes %d"
            + "   retries/s %.0f   hedges/s %.0f   budget refusals %d%n",
        atSeconds, (placed - previousPlaced) / seconds, placed, orders.failed.get(),
        orders.ambiguous.get(), (extras[0] - previousExtras[0]) / seconds,
        (extras[1] - previousExtras[1]) / seconds, extras[2]));
    previousPlaced = placed;
    previousExtras = extras;
    sb.append(String.format(Locale.ROOT, "  %-8s %-10s %7s %6s %9s %8s %8s%n",
        "server", "state", "req/s", "share", "in-flight", "ewma ms", "errors/s"));
    for (int i = 0; i < servers.size(); i++) {
      Server s = servers.get(i);
      long requests = successes[i] + failures[i];
      double ewma = meters.ewmaMillis(s);
      String latency = successes[i] == 0 || Double.isNaN(ewma) ? "—"
          : String.format(Locale.ROOT, "%.1f", ewma);
      sb.append(String.format(Locale.ROOT, "  %-8s %-10s %7.0f %5.1f%% %9d %8s %8.0f%n",
          DemoNames.of(s), state(tracker.stats(s)), requests / seconds,
          total == 0 ? 0.0 : 100.0 * requests / total, meters.inFlight(s), latency,
          failures[i] / seconds));
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
