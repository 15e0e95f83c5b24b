package io.lbkit.health;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.lbkit.PoolSnapshot;
import io.lbkit.Server;
import io.lbkit.Ticker;
import io.lbkit.spi.ServerMetrics;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Follows the pool's membership: per-server state by id for the current members, and a Caffeine
 * cache of what departed ones keep. Every method runs under the monitor's lock, except {@link
 * #notifyIfDrained}.
 *
 * <p>A server new to the pool gets back what it kept if it left less than the grace period ago
 * (ejection history intact, see {@link ServerHealth#departed()}), else fresh state. It ramps up
 * (slow start) unless it is still ejected or failing its checks; so does a drained server given
 * weight again. Members present when the monitor starts do not ramp: there is nothing to protect
 * them from. A member that leaves keeps an entry in the departed cache only if it has something
 * to keep; the cache expires it after the grace period (expire after write on the monitor's
 * ticker), releasing a breaker it kept from the registry. A closed breaker is released when its
 * server leaves, and the load metrics once nothing is in flight on them.
 *
 * <p>Cost: nothing here is per departed server. A departure or return is a few map operations;
 * an update, tick or rebuild touches the members, the Caffeine maintenance (amortised constant)
 * and the departed servers that still had calls in flight, never the whole departed set.
 */
final class Membership {
  private final Map<String, ServerHealth> states;
  private final Cache<String, ServerHealth.Departed> departed;
  private final Set<String> lingering = new HashSet<>(); // left with calls in flight: metrics kept
  private final HealthConfig config;
  private final Breakers breakers;
  private final ActiveChecker checker; // null without active checks
  private final HealthEvents events;
  private final LoadMetrics load;
  private final LongConsumer noteDue;
  private final long windowNanos;
  private long retainedVersion = -1;

  Membership(Map<String, ServerHealth> states, HealthConfig config, Ticker ticker,
      Breakers breakers, ActiveChecker checker, HealthEvents events, LoadMetrics load,
      LongConsumer noteDue) {
    this.states = states;
    this.config = config;
    this.breakers = breakers;
    this.checker = checker;
    this.events = events;
    this.load = load;
    this.noteDue = noteDue;
    this.windowNanos = config.throughputWindow.toNanos();
    this.departed = Caffeine.newBuilder()
        .ticker(ticker::read)
        .expireAfterWrite(config.stateGracePeriod)
        .executor(Runnable::run)
        .<String, ServerHealth.Departed>removalListener((id, d, cause) -> {
          if (cause.wasEvicted() && id != null && d != null && !states.containsKey(id)) {
            if (d.breaker() != null) {
              breakers.release(id);
            }
            events.released(d.server());
          }
        })
        .build();
  }

  /**
   * Brings the state in line with {@code snapshot} (older snapshots than one already seen are
   * ignored), reports drained servers, releases expired departed state.
   *
   * @param joinsRamp whether servers new to the pool ramp up (false for the initial members)
   */
  void retain(PoolSnapshot snapshot, long now, boolean joinsRamp) {
    if (snapshot.version() < retainedVersion) {
      return;
    }
    if (snapshot.version() != retainedVersion) {
      retainedVersion = snapshot.version();
      for (Server s : snapshot.servers()) {
        join(s, now, joinsRamp);
      }
      for (ServerHealth h : states.values()) {
        if (snapshot.byId(h.id) == null) {
          leave(h);
        }
      }
    }
    for (ServerHealth h : states.values()) {
      notifyIfDrained(h);
    }
    release(snapshot);
  }

  private void join(Server s, long now, boolean joinsRamp) {
    ServerHealth h = states.get(s.id());
    boolean ramp = false;
    if (h == null) {
      ServerHealth.Departed d = null;
      if (departed.estimatedSize() > 0) { // none at the start: no lookup per initial member
        d = departed.getIfPresent(s.id());
        // Also an entry expired but not yet cleaned up: its removal releases the breaker it kept.
        departed.invalidate(s.id());
      }
      CircuitBreaker kept = d == null ? null : d.breaker();
      ServerMetrics m = load.ifPresent(s.id());
      long completed = m == null ? 0L : m.requests();
      h = kept != null ? new ServerHealth(s, kept, false, windowNanos, now, completed)
          : new ServerHealth(s, breakers.forServer(s.id()), breakers.later(), windowNanos, now,
              completed);
      if (d != null) {
        h.returned(d);
        if (h.isEjected()) {
          noteDue.accept(h.ejectedUntil());
        }
        if (h.breakerState == CircuitBreaker.State.OPEN) {
          noteDue.accept(h.breakerHalfOpenAt);
        }
      }
      lingering.remove(s.id());
      states.put(s.id(), h);
      if (checker != null) {
        checker.start(h);
      }
      ramp = joinsRamp;
    }
    load.metrics(s);
    ramp |= h.weightSeen(s); // back from a drain
    if (ramp && config.slowStart != null && h.mayRamp(now)) {
      h.beginRamp(now, config.slowStart);
      noteDue.accept(now + config.slowStart.stepNanos());
    }
  }

  /** Tells the listeners once that a drained server has nothing in flight any more. */
  void notifyIfDrained(ServerHealth h) {
    if (h.isDraining()) {
      ServerMetrics m = load.ifPresent(h.id);
      if (h.drainCompleted(m == null ? 0 : m.inFlight())) {
        events.drained(h.server);
      }
    }
  }

  /** Departed servers' kept state by id, for explanations; a copy. */
  java.util.Map<String, ServerHealth.Departed> departed() {
    return new java.util.TreeMap<>(departed.asMap());
  }

  /** Entries of departed servers held now, expired ones not yet cleaned up included (tests). */
  long departedSize() {
    return departed.estimatedSize();
  }

  /** A member left: it keeps what a return needs, and its breaker and metrics go if they may. */
  private void leave(ServerHealth h) {
    states.remove(h.id);
    if (checker != null) {
      checker.stop(h);
    }
    ServerHealth.Departed d = h.departed();
    if (d != null) {
      departed.put(h.id, d);
    } else {
      events.released(h.server); // nothing a return would need
    }
    if (h.breaker != null && (d == null || d.breaker() == null)) {
      breakers.release(h.id);
    }
    if (!load.dropIfIdle(h.id)) {
      lingering.add(h.id);
    }
  }

  /**
   * Releases departed state past the grace period, the metrics of departed servers whose last
   * call has ended, and metrics made for servers that were never members.
   */
  void release(PoolSnapshot snapshot) {
    departed.cleanUp(); // expires at most a bounded batch per call (Caffeine's): the rest later
    if (!lingering.isEmpty()) {
      lingering.removeIf(id -> states.containsKey(id)
          || (snapshot.byId(id) == null && load.dropIfIdle(id)));
    }
    // Members and lingering ones hold metrics; more means some were made for a server that is
    // not a member (a call begun on a pick from before it left). Rare: then one pass finds them.
    if (load.stateSize() > states.size() + lingering.size()) {
      load.dropIf(m -> {
        String id = m.serverId();
        if (states.containsKey(id) || snapshot.byId(id) != null) {
          return false;
        }
        if (m.inFlight() == 0) {
          return true;
        }
        lingering.add(id);
        return false;
      });
    }
  }
}
