package io.lbkit.demo;

import io.lbkit.Explanation;
import io.lbkit.Request;
import io.lbkit.failover.AttemptKind;
import io.lbkit.failover.Failover;
import io.lbkit.failover.LoadBalancer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The order-service demo, the README's first command: five inventory servers on 127.0.0.1 that
 * register themselves in an embedded ZooKeeper, an order service that discovers them there and
 * calls them through {@code java.net.http} wrapped by an lbkit {@link LoadBalancer} (peak EWMA,
 * outlier detection, active HTTP checks, retry(3)), and faults on a timeline: one server slows
 * down 10x, one is killed, one answers 503 half the time, then they recover; a sixth server joins
 * through the registry, the first leaves through it, and ZooKeeper goes down for a while. Prints a
 * per-server table once a second and a summary at the end; stops by itself.
 *
 * <p>Timeouts: each request may take 1 s (the slowest server slowed 10x answers in ~120 ms; a
 * write that hangs does not answer in time) and each connect 250 ms.
 *
 * <p>{@link #run} is what tests call: it starts everything, runs, closes everything (servers,
 * balancer, client and timeline threads) and returns the {@link DemoSummary}.
 */
public final class OrderServiceDemo {
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);
  /** How long after the first ejection its explanation is printed. */
  static final Duration EXPLAIN_DELAY = Duration.ofMillis(200);

  private OrderServiceDemo() {}

  public static void main(String[] args) throws Exception {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      // lbkit logs ejections at INFO; the demo prints them itself, in its own format.
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    // ZooKeeper's client and server warn, with stack traces, about the outage the demo causes on
    // purpose; the demo's timeline says what happens.
    quiet("org.apache.zookeeper");
    quiet("org.apache.curator");
    DemoOptions options;
    try {
      options = DemoOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println("Run with --help to see the options.");
      System.exit(2);
      return;
    }
    if (options.help) {
      System.out.println(DemoOptions.HELP);
      return;
    }
    DemoSummary s = run(options, System.out);
    System.exit(s.ordersFailed() == 0 && s.duplicateWrites() == 0 ? 0 : 1);
  }

  private static void quiet(String logger) {
    String key = "org.slf4j.simpleLogger.log." + logger;
    if (System.getProperty(key) == null) {
      System.setProperty(key, "error");
    }
  }

  /** Runs the demo as {@code options} say, printing to {@code out}; returns what it measured. */
  public static DemoSummary run(DemoOptions options, PrintStream out) throws Exception {
    PrintStream live = options.quiet ? null : out;
    HealthLog events = new HealthLog(live);
    RegistryLog registryEvents = options.usesRegistry() ? new RegistryLog(events, live) : null;
    String failoverName = options.failover;
    Failover failover = failover(failoverName);
    out.printf(Locale.ROOT, "lbkit order-service demo: %d inventory servers%s, %d clients, %s, %s,"
            + " %d s%n", options.servers,
        options.usesRegistry() ? " found through ZooKeeper" : "", options.clients,
        options.strategy, label(failoverName), options.duration.toSeconds());
    try (Rig rig = Rig.start(options.servers, options.latencyMillis * 1000, 42, REQUEST_TIMEOUT,
        registryEvents, (pool, http) -> LoadBalancer.builder(pool)
            .strategy(NamedStrategies.byName(options.strategy, http))
            .health(Rig.demoHealth(http).build())
            .healthListener(events)
            .failover(failover)
            .classifier(InventoryClassifier.INSTANCE)
            .build())) {
      for (InventoryServer s : rig.cluster.servers()) {
        out.printf(Locale.ROOT, "  %s on 127.0.0.1:%d%n", s.name(), s.port());
      }
      if (rig.registry != null) {
        out.printf(Locale.ROOT, "  ZooKeeper on %s: %d servers registered, pool discovered%n",
            rig.registry.connectString(), rig.pool.servers().size());
      }
      warmUp(rig);
      long start = System.nanoTime();
      events.markStart();
      if (registryEvents != null) {
        registryEvents.markStart();
      }
      long deadline = start + options.duration.toNanos();
      OrderWorkload orders = new OrderWorkload(rig.client, options.clients, deadline,
          options.maxOrders);
      ScheduledExecutorService timeline = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "demo-timeline");
        t.setDaemon(true);
        return t;
      });
      try {
        schedule(timeline, FaultSchedule.named(options.faults, rig.registry != null,
            options.servers), rig, options.duration, events, live);
        if (live != null) {
          // Off the reporting thread (the explanation takes the balancer's locks itself), and
          // a moment later: the picker without the ejected server is built on the balancer's
          // executor, after the ejection is reported.
          events.onFirstEjection(server -> {
            try {
              timeline.schedule(() -> explain(rig, server, live, events.elapsed()),
                  EXPLAIN_DELAY.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
              // the run is ending: nothing left to explain to
            }
          });
          LiveTable table = new LiveTable(rig.pool, rig.lb.tracker(), new DemoMeters(rig.meters),
              orders, live);
          timeline.scheduleAtFixedRate(() -> table.print(events.elapsed()), 1, 1,
              TimeUnit.SECONDS);
        }
        if (!orders.run()) {
          out.println("warning: a client thread did not end in time");
        }
      } finally {
        timeline.shutdownNow();
        timeline.awaitTermination(2, TimeUnit.SECONDS);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      double[] p = orders.percentilesMillis(0.50, 0.99);
      Map<String, Long> byServer = new LinkedHashMap<>();
      for (InventoryServer s : rig.cluster.servers()) {
        byServer.put(s.name(), s.requests());
      }
      DemoMeters meters = new DemoMeters(rig.meters);
      Map<String, Long> attempts = new LinkedHashMap<>();
      for (AttemptKind k : AttemptKind.values()) {
        String kind = k.name().toLowerCase(Locale.ROOT);
        attempts.put(kind, meters.attempts(kind));
      }
      DemoSummary summary = new DemoSummary(options.strategy, label(failoverName), seconds,
          options.servers, options.clients, orders.placed.get(), orders.failed.get(),
          rig.cluster.duplicateWrites(), orders.ambiguous.get(), orders.resent.get(), p[0], p[1],
          events.ejections(), events.restorations(), byServer, attempts,
          meters.budgetRefusals(), meters.refusals(), orders.failureReasons(),
          registryEvents == null ? List.of() : registryEvents.events(),
          registryEvents == null ? 0.0 : registryEvents.downSeconds());
      print(summary, out);
      return summary;
    }
  }

  /**
   * A few requests to each server straight through the client, not the balancer: the JIT and the
   * connection pool warm up without first-call latencies landing in the EWMAs the run shows.
   */
  private static void warmUp(Rig rig) throws InterruptedException {
    for (int i = 0; i < 10; i++) {
      for (InventoryServer s : rig.cluster.servers()) {
        try {
          rig.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port()
              + "/stock?sku=0")).timeout(REQUEST_TIMEOUT).build(),
              HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
          // a warm-up miss changes nothing; the run will show the server as it is
        }
      }
    }
  }

  /** Prints what the next pick considers right after {@code ejected} went out. */
  static void explain(Rig rig, io.lbkit.Server ejected, PrintStream out, double atSeconds) {
    Explanation e = rig.lb.explain(Request.IDEMPOTENT);
    StringBuilder sb = new StringBuilder(512).append(String.format(Locale.ROOT,
        "  %6.1fs  why the next pick goes where it goes, now that %s is out:%n", atSeconds,
        DemoNames.of(ejected)));
    for (Explanation.Entry entry : e.entries()) {
      sb.append("            ").append(DemoNames.of(entry.server())).append(' ').append(entry)
          .append(System.lineSeparator());
    }
    for (String note : e.notes()) {
      sb.append("            note: ").append(note).append(System.lineSeparator());
    }
    sb.append("            chooses ").append(e.chosen() == null ? "none" : DemoNames.of(e.chosen()))
        .append(System.lineSeparator());
    out.print(sb);
  }

  static Failover failover(String name) {
    switch (name) {
      case "failFast":
        return Failover.failFast();
      case "hedged":
        return Failover.hedged(Duration.ofMillis(20));
      default:
        return Failover.retry(3);
    }
  }

  private static String label(String failover) {
    switch (failover) {
      case "failFast":
        return "failFast";
      case "hedged":
        return "hedged(20 ms)";
      default:
        return "retry(3)";
    }
  }

  private static void schedule(ScheduledExecutorService timeline, FaultSchedule faults, Rig rig,
      Duration total, HealthLog events, PrintStream live) {
    for (FaultSchedule.Step step : faults.steps()) {
      timeline.schedule(() -> {
        try {
          if (live != null) { // first, so that what the step causes is printed after it
            live.printf(Locale.ROOT, "  %6.1fs  >>> %s%n", events.elapsed(), step.description());
          }
          step.action().apply(rig);
        } catch (Exception e) {
          if (live != null) {
            live.printf(Locale.ROOT, "  %6.1fs      not done: %s%n", events.elapsed(),
                e.getMessage() != null ? e.getMessage() : e);
          }
        }
      }, FaultSchedule.offset(step, total).toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  static void print(DemoSummary s, PrintStream out) {
    long total = 0;
    for (long n : s.requestsByServer().values()) {
      total += n;
    }
    StringBuilder sb = new StringBuilder(1024);
    sb.append(String.format(Locale.ROOT, "%nSummary: %s, %s, %.1f s, %d servers, %d clients%n",
        s.strategy(), s.failover(), s.seconds(), s.servers(), s.clients()));
    sb.append(String.format(Locale.ROOT, "  orders placed      %d (%.0f/s)%n", s.ordersPlaced(),
        s.ordersPlaced() / Math.max(1e-3, s.seconds())));
    sb.append(String.format(Locale.ROOT, "  orders failed      %d%n", s.ordersFailed()));
    sb.append(String.format(Locale.ROOT, "  duplicate writes   %d%n", s.duplicateWrites()));
    sb.append(String.format(Locale.ROOT,
        "  ambiguous writes   %d (not retried by lbkit; read back by the service, %d re-sent)%n",
        s.ambiguousWrites(), s.resentAfterReadBack()));
    sb.append(String.format(Locale.ROOT, "  order latency      p50 %.1f ms, p99 %.1f ms%n",
        s.p50Millis(), s.p99Millis()));
    sb.append(String.format(Locale.ROOT, "  ejections          %d%s%n", s.ejections().size(),
        list(s.ejections())));
    sb.append(String.format(Locale.ROOT, "  restorations       %d%s%n", s.restorations().size(),
        list(s.restorations())));
    if (!s.registryEvents().isEmpty()) {
      sb.append(String.format(Locale.ROOT, "  registry           %d events, unreachable %.1f s%s%n",
          s.registryEvents().size(), s.registryDownSeconds(), listLines(s.registryEvents())));
    }
    Map<String, Long> a = s.attempts();
    sb.append(String.format(Locale.ROOT,
        "  attempts           %d calls, %d retries, %d hedges; %d refused by the retry budget,"
            + " %d calls found no server%n",
        a.getOrDefault("first", 0L), a.getOrDefault("retry", 0L), a.getOrDefault("hedge", 0L),
        s.budgetRefusals(), s.refusals()));
    sb.append("  requests received ");
    for (Map.Entry<String, Long> e : s.requestsByServer().entrySet()) {
      sb.append(String.format(Locale.ROOT, " %s %d (%.1f%%)", e.getKey(), e.getValue(),
          total == 0 ? 0.0 : 100.0 * e.getValue() / total));
    }
    sb.append(System.lineSeparator());
    for (String f : s.failures()) {
      sb.append("  failed: ").append(f).append(System.lineSeparator());
    }
    out.print(sb);
  }

  private static String listLines(List<String> lines) {
    StringBuilder sb = new StringBuilder();
    for (String line : lines) {
      sb.append(System.lineSeparator()).append("                       ").append(line);
    }
    return sb.toString();
  }

  private static String list(List<HealthLog.Event> events) {
    StringBuilder sb = new StringBuilder();
    for (HealthLog.Event e : events) {
      sb.append(System.lineSeparator()).append("                       ").append(e);
    }
    return sb.toString();
  }
}
