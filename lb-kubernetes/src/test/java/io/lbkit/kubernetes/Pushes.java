package io.lbkit.kubernetes;

import io.lbkit.Server;
import io.lbkit.discovery.ServerSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * What a source reported, in order: lists and failures. Waits are bounded and end on a report or
 * their deadline, never on a sleep. Also checks that the source keeps its contract: one call at
 * a time.
 */
final class Pushes implements ServerSource.Listener {
  static final Duration TIMEOUT = Duration.ofSeconds(20);

  /** A {@code List<Server>} for a push, a {@code Throwable} for a failure. */
  private final List<Object> reports = new ArrayList<>();
  private int inside;
  private int overlaps;

  @Override
  public void onServers(List<Server> servers) {
    enter();
    try {
      add(List.copyOf(servers));
    } finally {
      leave();
    }
  }

  @Override
  public void onError(Throwable error) {
    enter();
    try {
      add(error);
    } finally {
      leave();
    }
  }

  private synchronized void enter() {
    if (inside++ > 0) {
      overlaps++;
    }
  }

  private synchronized void leave() {
    inside--;
  }

  private synchronized void add(Object report) {
    reports.add(report);
    notifyAll();
  }

  synchronized List<Object> reports() {
    return List.copyOf(reports);
  }

  synchronized int size() {
    return reports.size();
  }

  synchronized int overlaps() {
    return overlaps;
  }

  /** The lists pushed, in order. */
  @SuppressWarnings("unchecked")
  synchronized List<List<Server>> lists() {
    List<List<Server>> out = new ArrayList<>();
    for (Object r : reports) {
      if (r instanceof List) {
        out.add((List<Server>) r);
      }
    }
    return out;
  }

  synchronized List<Throwable> errors() {
    List<Throwable> out = new ArrayList<>();
    for (Object r : reports) {
      if (r instanceof Throwable) {
        out.add((Throwable) r);
      }
    }
    return out;
  }

  /** Waits for a list pushed at or after report {@code from} that {@code condition} accepts. */
  @SuppressWarnings("unchecked")
  synchronized List<Server> awaitList(String what, int from, Predicate<List<Server>> condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    int next = from;
    while (true) {
      for (; next < reports.size(); next++) {
        Object r = reports.get(next);
        if (r instanceof List && condition.test((List<Server>) r)) {
          return (List<Server>) r;
        }
      }
      waitUntil(deadline, what);
    }
  }

  /** Waits for a failure reported at or after report {@code from}; returns its index. */
  synchronized int awaitError(String what, int from) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      for (int i = from; i < reports.size(); i++) {
        if (reports.get(i) instanceof Throwable) {
          return i;
        }
      }
      waitUntil(deadline, what);
    }
  }

  private void waitUntil(long deadline, String what) throws InterruptedException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new AssertionError(
          "timed out after " + TIMEOUT + " waiting for " + what + "; reports: " + reports);
    }
    wait(Math.max(1, left / 1_000_000));
  }
}
