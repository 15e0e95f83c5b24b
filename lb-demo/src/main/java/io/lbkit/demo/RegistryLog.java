package io.lbkit.demo;

import io.lbkit.Server;
import io.lbkit.discovery.DiscoveryListener;
import io.lbkit.discovery.DiscoveryStatus;
import io.lbkit.discovery.MembershipChange;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The registry's side of the timeline: each change discovery made to the pool, and each outage of
 * the registry with how long it lasted and how many servers the pool kept meanwhile. Prints as
 * things happen (unless quiet) on the clock of the run's {@link HealthLog}. Thread-safe.
 */
final class RegistryLog implements DiscoveryListener {
  private final HealthLog clock;
  private final PrintStream out; // null: quiet
  private final List<String> events = new ArrayList<>();
  private volatile boolean started;
  private double downSince = -1; // guarded by this; -1: the registry answers
  private double downSeconds;

  RegistryLog(HealthLog clock, PrintStream out) {
    this.clock = clock;
    this.out = out;
  }

  /** Changes are recorded from now on; the first list, found before the run, is not one. */
  void markStart() {
    started = true;
  }

  @Override
  public void onChange(MembershipChange change) {
    if (!started) {
      return;
    }
    List<String> parts = new ArrayList<>();
    describe(parts, "joined", change.added());
    describe(parts, "left, draining", change.draining());
    describe(parts, "back", change.restored());
    describe(parts, "updated", change.updated());
    describe(parts, "removed after its drain", change.removed());
    add("registry: " + String.join("; ", parts));
  }

  @Override
  public void onSourceFailure(Throwable error, DiscoveryStatus status) {
    synchronized (this) {
      if (downSince >= 0) {
        return; // one line per outage
      }
      downSince = clock.elapsed();
    }
    add("registry unreachable; the pool keeps its " + status.serverCount() + " servers");
  }

  @Override
  public void onSourceRecovered(DiscoveryStatus status) {
    double down;
    synchronized (this) {
      if (downSince < 0) {
        return;
      }
      down = clock.elapsed() - downSince;
      downSeconds += down;
      downSince = -1;
    }
    add(String.format(Locale.ROOT, "registry back after %.1f s; %d servers", down,
        status.serverCount()));
  }

  private static void describe(List<String> parts, String what, List<Server> servers) {
    if (!servers.isEmpty()) {
      StringBuilder sb = new StringBuilder(what);
      for (Server s : servers) {
        sb.append(' ').append(DemoNames.of(s));
      }
      parts.add(sb.toString());
    }
  }

  private void add(String event) {
    double at = clock.elapsed();
    String line = String.format(Locale.ROOT, "%s at %.1f s", event, at);
    synchronized (this) {
      events.add(line);
    }
    if (out != null) {
      out.printf(Locale.ROOT, "  %6.1fs  %s%n", at, event);
    }
  }

  /** Every event so far, with its time. */
  synchronized List<String> events() {
    return List.copyOf(events);
  }

  /** Seconds the registry was unreachable, outages ended so far. */
  synchronized double downSeconds() {
    return downSeconds;
  }
}
