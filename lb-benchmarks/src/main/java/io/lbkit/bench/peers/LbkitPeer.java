package io.lbkit.bench.peers;

import io.lbkit.LoadTracker;
import io.lbkit.Request;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.Strategy;
import io.lbkit.failover.Call;
import io.lbkit.failover.Failover;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.health.HealthConfig;
import io.lbkit.strategy.Strategies;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * lbkit's side of each comparison: a {@link Selector} from a {@link Strategies} factory over the
 * same {@link Fleet}.
 *
 * <p>Strategies are looked up by factory name at setup, so this class compiles against whichever
 * strategies exist on the branch; a factory that does not exist yet fails that one benchmark
 * (JMH carries on with the rest) with a message naming it.
 */
public final class LbkitPeer {
  private LbkitPeer() {}

  public static ServerPool pool(Fleet fleet) {
    List<Server> servers = new ArrayList<>(fleet.size());
    for (int i = 0; i < fleet.size(); i++) {
      servers.add(Server.builder(fleet.host(i), Fleet.PORT)
          .weight(fleet.weight(i))
          .zone(fleet.zone(i))
          .build());
    }
    return ServerPool.of(servers);
  }

  /** {@code Strategies.<factory>()}. */
  public static Strategy strategy(String factory) {
    return call(factory, new Class<?>[0]);
  }

  /**
   * {@code Strategies.zoneAware(localZone, <delegate>())}: prefers the caller's zone, one third of
   * the fleet, and round-robins within it.
   */
  public static Chooser zoneAware(Fleet fleet, String localZone, String delegate) {
    Strategy zoneAware = call("zoneAware", new Class<?>[] {String.class, Strategy.class},
        localZone, strategy(delegate));
    Selector selector = zoneAware.newSelector(pool(fleet), LoadTracker.create());
    return seq -> selector.choose();
  }

  private static Strategy call(String factory, Class<?>[] types, Object... args) {
    try {
      Method m = Strategies.class.getMethod(factory, types);
      return (Strategy) m.invoke(null, args);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException("Strategies." + factory
          + " does not exist on this branch yet; the lbkit side of this comparison cannot run", e);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("Strategies." + factory + " failed", e);
    }
  }

  /** choose() with no key. */
  public static Chooser selector(Fleet fleet, String factory) {
    Selector selector = strategy(factory).newSelector(pool(fleet), LoadTracker.create());
    return seq -> selector.choose();
  }

  /** choose(request) with one of {@link Fleet#KEYS} precomputed keyed requests. */
  public static Chooser keyedSelector(Fleet fleet, String factory) {
    Selector selector = strategy(factory).newSelector(pool(fleet), LoadTracker.create());
    Request[] requests = new Request[Fleet.KEYS];
    for (int k = 0; k < requests.length; k++) {
      requests[k] = Request.withKey(fleet.key(k));
    }
    return seq -> selector.choose(requests[seq & Fleet.KEY_MASK]);
  }

  /**
   * The facade as a user runs it, matched to Dubbo's default cluster: round robin, default health
   * tracking (consecutive failures, outlier detection, circuit breakers), and {@code retry(3)},
   * Dubbo's failover with its default 2 retries. The call itself returns at once.
   */
  public static Chooser facade(Fleet fleet) {
    LoadBalancer lb = LoadBalancer.builder(pool(fleet))
        .strategy(Strategies.roundRobin())
        .health(HealthConfig.defaults())
        .failover(Failover.retry(3))
        .build();
    return new FacadeChooser(lb);
  }

  /** The facade's chooser; closing it closes the balancer and its health threads. */
  static final class FacadeChooser implements Chooser, AutoCloseable {
    private static final Call<String, RuntimeException> CALL = server -> "hello";
    private final LoadBalancer lb;

    FacadeChooser(LoadBalancer lb) {
      this.lb = lb;
    }

    @Override
    public Object choose(int seq) {
      try {
        return lb.execute(CALL);
      } catch (Exception e) {
        throw new IllegalStateException("the call cannot fail, yet it did", e);
      }
    }

    @Override
    public void close() {
      lb.close();
    }
  }

  /**
   * The call path below the facade: choose, record the start, record a success, with a tracker
   * that records load and never ejects.
   */
  public static Chooser selectorCallPath(Fleet fleet, String factory) {
    LoadTracker tracker = LoadTracker.create();
    Selector selector = strategy(factory).newSelector(pool(fleet), tracker);
    return seq -> {
      Server s = selector.choose();
      long start = tracker.onStart(s);
      tracker.onSuccess(s, start);
      return s;
    };
  }
}
