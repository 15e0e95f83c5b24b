package io.lbkit.demo;

import io.lbkit.Server;
import io.lbkit.health.EjectionReason;
import io.lbkit.health.HealthListener;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Records ejections and restorations with their time since the run started, and prints each one
 * as it happens unless told to stay quiet. Thread-safe: the monitor calls it from outcome
 * reporters and its scheduler.
 */
final class HealthLog implements HealthListener {

  /** One health transition. */
  record Event(double atSeconds, String server, String kind, String detail) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%s at %.1f s%s", server, atSeconds,
          detail.isEmpty() ? "" : " (" + detail + ")");
    }
  }

  private volatile long startNanos = System.nanoTime();
  private final PrintStream out; // null: quiet
  private final List<Event> ejections = new ArrayList<>();
  private final List<Event> restorations = new ArrayList<>();
  private volatile Consumer<Server> firstEjection; // told once, of the run's first ejection

  HealthLog(PrintStream out) {
    this.out = out;
  }

  @Override
  public void onEjected(Server server, EjectionReason reason, Duration duration) {
    String detail = reason + (duration.isZero() ? ", until checks pass"
        : ", " + duration.toMillis() / 1000.0 + " s");
    add(ejections, new Event(elapsed(), DemoNames.of(server), "ejected", detail));
    Consumer<Server> first = firstEjection;
    if (first != null) {
      firstEjection = null;
      first.accept(server);
    }
  }

  /** Tells {@code hook} of the first ejection from now on, once (the demo explains a pick then). */
  void onFirstEjection(Consumer<Server> hook) {
    firstEjection = hook;
  }

  @Override
  public void onRestored(Server server) {
    add(restorations, new Event(elapsed(), DemoNames.of(server), "restored", ""));
  }

  private void add(List<Event> list, Event e) {
    synchronized (this) {
      list.add(e);
    }
    if (out != null) {
      out.printf(Locale.ROOT, "  %6.1fs  %s %s%s%n", e.atSeconds(), e.server(), e.kind(),
          e.detail().isEmpty() ? "" : " (" + e.detail() + ")");
    }
  }

  /** Times are counted from now on. */
  void markStart() {
    startNanos = System.nanoTime();
  }

  /** Seconds since the run started. */
  double elapsed() {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  synchronized List<Event> ejections() {
    return List.copyOf(ejections);
  }

  synchronized List<Event> restorations() {
    return List.copyOf(restorations);
  }

  synchronized long ejectionsOf(String serverId) {
    return ejections.stream().filter(e -> e.server().equals(serverId)).count();
  }

  synchronized long restorationsOf(String serverId) {
    return restorations.stream().filter(e -> e.server().equals(serverId)).count();
  }
}
