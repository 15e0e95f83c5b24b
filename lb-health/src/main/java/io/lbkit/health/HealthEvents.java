package io.lbkit.health;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.lbkit.Server;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queues health transitions while the monitor's lock is held and delivers them after it is
 * released ({@link #flush}), so a slow or re-entrant listener never runs under the lock. Each
 * delivery logs the transition (INFO, check failures at DEBUG) and calls every listener, catching
 * and logging what a listener throws.
 */
final class HealthEvents {
  private static final Logger log = LoggerFactory.getLogger(HealthMonitor.class);

  private final List<HealthListener> listeners = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<Runnable> pending = new ConcurrentLinkedQueue<>();
  private final AtomicLongArray ejections = new AtomicLongArray(EjectionReason.values().length);

  HealthEvents(List<HealthListener> initial) {
    listeners.addAll(initial);
  }

  void add(HealthListener l) {
    listeners.add(l);
  }

  void remove(HealthListener l) {
    listeners.remove(l);
  }

  void ejected(Server s, EjectionReason reason, Duration d) {
    ejections.incrementAndGet(reason.ordinal());
    pending.add(() -> {
      log.info("ejected {} ({}) {}", s.id(), reason, howLong(reason, d));
      deliver(l -> l.onEjected(s, reason, d));
    });
  }

  /** For the ejection log line: "for 30 s", "for 250 ms", "until its checks pass". */
  static String howLong(EjectionReason reason, Duration d) {
    if (reason == EjectionReason.ACTIVE_CHECK) {
      return "until its checks pass";
    }
    long ms = d.toMillis();
    return ms % 1000 == 0 ? "for " + ms / 1000 + " s" : "for " + ms + " ms";
  }

    long ejections(EjectionReason reason) {
    return ejections.get(reason.ordinal());
  }

  void released(Server s) {
    pending.add(() -> {
      log.debug("released the state of {}", s.id());
      deliver(l -> l.onReleased(s));
    });
  }

  void restored(Server s) {
    pending.add(() -> {
      log.info("restored {}", s.id());
      deliver(l -> l.onRestored(s));
    });
  }

  void panicEntered(int available, int total) {
    pending.add(() -> {
      log.info("panic entered: {} of {} servers available, choosing among all", available, total);
      deliver(l -> l.onPanicEntered(available, total));
    });
  }

  void panicLeft(int available, int total) {
    pending.add(() -> {
      log.info("panic left: {} of {} servers available", available, total);
      deliver(l -> l.onPanicLeft(available, total));
    });
  }

  void checkFailed(Server s, Throwable cause) {
    pending.add(() -> {
      log.debug("health check of {} failed", s.id(), cause);
      deliver(l -> l.onCheckFailed(s, cause));
    });
  }

  void drained(Server s) {
    pending.add(() -> {
      log.info("drained {}", s.id());
      deliver(l -> l.onDrained(s));
    });
  }

  void breakerMoved(Server s, CircuitBreaker.State from, CircuitBreaker.State to) {
    pending.add(() -> {
      log.info("circuit breaker of {}: {} -> {}", s.id(), from, to);
      deliver(l -> l.onBreakerStateChanged(s, from, to));
    });
  }

  /** Delivers what is queued; cheap when nothing is. Call without holding the monitor's lock. */
  /** {@link #flush()}, after one cheap look: the outcome path calls this on every call. */
  void flushIfAny() {
    if (!pending.isEmpty()) {
      flush();
    }
  }

  void flush() {
    Runnable r;
    while ((r = pending.poll()) != null) {
      r.run();
    }
  }

  private void deliver(Consumer<HealthListener> call) {
    for (HealthListener l : listeners) {
      try {
        call.accept(l);
      } catch (Throwable e) { // an Error too: the monitor's own bookkeeping must go on
        log.error("health listener {} failed", l, e);
      }
    }
  }
}
