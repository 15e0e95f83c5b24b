package io.lbkit.health;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.lbkit.PoolSnapshot;
import io.lbkit.Server;
import io.lbkit.Ticker;
import io.lbkit.spi.ServerMetrics;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Follows the pool's membership: per-server state by id for the current members, and a Caffeine
 * cache of departed ones. Every method runs under the monitor's lock, except {@link
 * #notifyIfDrained}.
 *
 * <p>A server new to the pool gets its state back from the departed cache if it left less than
 * the grace period ago (ejection history intact), else fresh state. It ramps up (slow start)
 * unless it is still ejected or failing its checks; so does a drained server given weight again.
 * Members present when the monitor starts do not ramp: there is nothing to protect them from. A
 * member that leaves moves to the departed cache, which expires it after the grace period (expire
 * after write on the monitor's ticker), releasing its breaker from the registry; its load metrics
 * are released with it once nothing is in flight, so state never outgrows the pool.
 */
final class Membership {
  private final Map<String, ServerHealth> states;
  private final Cache<String, ServerHealth> departed;
  private final HealthConfig config;
  private final Breakers breakers;
  private final ActiveChecker checker; // null without active checks
  private final HealthEvents events;
  private final LoadMetrics load;
  private final LongConsumer noteDue;
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
    this.departed = Caffeine.newBuilder()
        .ticker(ticker::read)
        .expireAfterWrite(config.stateGracePeriod)
        .executor(Runnable::run)
        .<String, ServerHealth>removalListener((id, h, cause) -> {
          if (cause.wasEvicted() && id != null && !states.containsKey(id)) {
            breakers.release(id);
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

  /** Releases departed state past the grace period, and metrics nobody holds any more. */
  void release(PoolSnapshot snapshot) {
    departed.cleanUp();
    load.dropIf(m -> snapshot.byId(m.serverId()) == null && m.inFlight() == 0
        && departed.getIfPresent(m.serverId()) == null);
  }
}
