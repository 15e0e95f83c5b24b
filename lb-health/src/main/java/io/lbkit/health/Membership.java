package io.lbkit.health;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.lbkit.PoolSnapshot;
import io.lbkit.Server;
import io.lbkit.Ticker;
import io.lbkit.spi.ServerMetrics;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.Predicate;

/**
 * Follows the pool's membership: per-server state by id for the current members, and a Caffeine
 * cache of departed ones. Every method runs under the monitor's lock.
 *
 * <p>A server new to the pool gets its state back from the departed cache if it left less than
 * the grace period ago (ejection history intact), else fresh state. It ramps up (slow start)
 * unless it is still ejected or failing its checks; so does a drained server given weight again.
 * Members present when the monitor starts do not ramp: there is nothing to protect them from. A
 * member that leaves moves to the departed cache, which expires it after the grace period (expire
 * after write on the monitor's ticker); its load metrics are released with it once nothing is in
 * flight, so state never outgrows the pool.
 */
final class Membership {
  private final Map<String, ServerHealth> states;
  private final Cache<String, ServerHealth> departed;
  private final HealthConfig config;
  private final Breakers breakers;
  private final SlowStart slowStart;
  private final ActiveChecker checker; // null without active checks
  private final HealthEvents events;
  private final Consumer<Server> metrics;
  private final Function<String, ServerMetrics> metricsIfPresent;
  private final Consumer<Predicate<ServerMetrics>> dropMetrics;
  private final LongConsumer noteDue;
  private long retainedVersion = -1;

  Membership(Map<String, ServerHealth> states, HealthConfig config, Ticker ticker,
      Breakers breakers, SlowStart slowStart, ActiveChecker checker, HealthEvents events,
      Consumer<Server> metrics, Function<String, ServerMetrics> metricsIfPresent,
      Consumer<Predicate<ServerMetrics>> dropMetrics, LongConsumer noteDue) {
    this.states = states;
    this.config = config;
    this.breakers = breakers;
    this.slowStart = slowStart;
    this.checker = checker;
    this.events = events;
    this.metrics = metrics;
    this.metricsIfPresent = metricsIfPresent;
    this.dropMetrics = dropMetrics;
    this.noteDue = noteDue;
    this.departed = Caffeine.newBuilder()
        .ticker(ticker::read)
        .expireAfterWrite(config.stateGracePeriod)
        .executor(Runnable::run)
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
          states.remove(h.id);
          if (checker != null) {
            checker.stop(h);
          }
          departed.put(h.id, h);
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
      h = departed.getIfPresent(s.id());
      departed.invalidate(s.id());
      if (h == null) {
        h = new ServerHealth(s, breakers.forServer(s.id()), config.throughputWindow.toNanos(),
            now);
      }
      states.put(s.id(), h);
      if (checker != null) {
        checker.start(h);
      }
      ramp = joinsRamp;
    }
    h.server = s;
    metrics.accept(s);
    if (s.weight() == 0) {
      if (!h.drainSeen) {
        h.drainedNotified.set(false);
        h.drainSeen = true;
      }
    } else if (h.drainSeen) {
      h.drainSeen = false;
      ramp = true; // back from a drain
    }
    if (ramp && !h.isEjectedAt(now) && h.checkHealthy && s.weight() > 0) {
      slowStart.begin(h, now);
      noteDue.accept(now + slowStart.stepNanos());
    }
  }

  /** Tells the listeners once that a drained server has nothing in flight any more. */
  void notifyIfDrained(ServerHealth h) {
    if (h.drainSeen) {
      ServerMetrics m = metricsIfPresent.apply(h.id);
      if ((m == null || m.inFlight() == 0) && h.drainedNotified.compareAndSet(false, true)) {
        events.drained(h.server);
      }
    }
  }

  /** Releases departed state past the grace period, and metrics nobody holds any more. */
  void release(PoolSnapshot snapshot) {
    departed.cleanUp();
    dropMetrics.accept(m -> snapshot.byId(m.serverId()) == null && m.inFlight() == 0
        && departed.getIfPresent(m.serverId()) == null);
  }
}
