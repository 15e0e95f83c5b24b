package io.lbkit.zookeeper;

import io.lbkit.Server;
import io.lbkit.discovery.ServerSource;
import io.lbkit.internal.Checks;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.x.discovery.ServiceCache;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.details.ServiceCacheListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ServerSource} on Apache Curator's service discovery: the instances registered under
 * {@code <basePath>/<service>} (Curator's {@code ServiceDiscovery} layout, which Spring Cloud
 * Zookeeper and Armeria use too), watched through a Curator {@code ServiceCache}, every change
 * pushed as the whole list.
 *
 * <p>Each instance becomes a {@link Server}: its {@code address} and {@code port} (the {@code
 * sslPort} when it has no plain port); from its payload's fields (the fields under {@code
 * payload.metadata}, where Spring Cloud Zookeeper writes them, or the payload's own fields when
 * it is a flat map), {@code weight} and {@code priority} (integers) and {@code zone}; every other
 * field as {@link Server#metadata()}. An instance without an address or port, or with a weight
 * or priority that is not a valid integer, is left out of the list and logged at WARN.
 *
 * <p>An instance that vanishes stays listed for a {@linkplain #withRemovalGrace grace period}
 * (default {@value #DEFAULT_REMOVAL_GRACE_SECONDS} s) and is listed again without a change if it
 * comes back within it: Curator re-registers an instance after each reconnection of the server's
 * own client by deleting its node and creating it again (so that watchers fire), which would
 * otherwise drain a healthy server for a moment, and start its slow start again, whenever its
 * ZooKeeper connection blinks. A server that leaves for good is drained that much later.
 *
 * <p>ZooKeeper trouble never empties the list: a suspended or lost connection is reported as a
 * failure (the binder keeps the last good list), nothing is pushed while it lasts, and on
 * reconnection the cache resumes watching and the current list is pushed again. An expired
 * session is one more lost connection: Curator starts a new one by itself.
 *
 * <p>The {@link CuratorFramework} client is the caller's: started by the caller, shared if it
 * likes, and not closed by {@link #close()}.
 */
public final class ZooKeeperSource implements ServerSource {
  /** The base path Spring Cloud Zookeeper registers under by default: {@value}. */
  public static final String DEFAULT_BASE_PATH = "/services";

  private static final Logger log = LoggerFactory.getLogger(ZooKeeperSource.class);
  /** Retries of a start that failed (ZooKeeper unreachable): 1 s, doubling, at most 30 s. */
  private static final long FIRST_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long MAX_RETRY_NANOS = TimeUnit.SECONDS.toNanos(30);

  /** The default {@linkplain #withRemovalGrace removal grace}, in seconds: {@value}. */
  public static final int DEFAULT_REMOVAL_GRACE_SECONDS = 2;

  private final CuratorFramework client;
  private final String basePath;
  private final String service;
  private final long removalGraceNanos;

  /** Guards the fields below; never held while calling the listener. */
  private final Object lock = new Object();
  /** Serialises pushes (one at a time, each the latest list); the listener is called under it. */
  private final Object pushLock = new Object();
  private volatile Listener listener;
  private Context context;
  private ServiceDiscovery<Map<String, String>> discovery;
  private volatile ServiceCache<Map<String, String>> cache;
  private volatile boolean initialized;
  private volatile boolean closed;
  /** False while the connection is suspended or lost: nothing is pushed, not even a grace's end. */
  private volatile boolean connected = true;
  /** The servers last pushed, by id (vanished ones still in their grace included). */
  private Map<String, Server> listed = Map.of(); // guarded by pushLock
  /** When each listed server was first missing from the cache. */
  private final Map<String, Long> missingSince = new HashMap<>(); // guarded by pushLock

  private ZooKeeperSource(CuratorFramework client, String basePath, String service,
      long removalGraceNanos) {
    this.client = client;
    this.basePath = basePath;
    this.service = service;
    this.removalGraceNanos = removalGraceNanos;
  }

  /**
   * A source of the instances of {@code service} under {@value #DEFAULT_BASE_PATH}.
   *
   * @param client a Curator client; started by the caller, not closed by the source
   * @param service the service name, one path segment
   * @return the source, to pass to {@link io.lbkit.discovery.Discovery#builder}
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code service} is blank or holds a {@code /}
   */
  public static ZooKeeperSource of(CuratorFramework client, String service) {
    return of(client, DEFAULT_BASE_PATH, service);
  }

  /**
   * A source of the instances of {@code service} under {@code basePath}.
   *
   * @param client a Curator client; started by the caller, not closed by the source
   * @param basePath where the services are registered, an absolute ZooKeeper path
   * @param service the service name, one path segment
   * @return the source, to pass to {@link io.lbkit.discovery.Discovery#builder}
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code basePath} does not start with {@code /}, or
   *     {@code service} is blank or holds a {@code /}
   */
  public static ZooKeeperSource of(CuratorFramework client, String basePath, String service) {
    Checks.notNull(client, "client");
    checkBasePath(basePath);
    checkService(service);
    return new ZooKeeperSource(client, basePath, service,
        TimeUnit.SECONDS.toNanos(DEFAULT_REMOVAL_GRACE_SECONDS));
  }

  /**
   * This source with another removal grace: how long an instance that vanished from ZooKeeper is
   * still listed, so that a delete and re-create (Curator's re-registration after a reconnection)
   * is not seen as a leave. Zero lists every removal at once.
   *
   * @param grace at least zero, at most a minute
   * @return a new, unstarted source with the same client, base path and service
   * @throws NullPointerException if {@code grace} is null
   * @throws IllegalArgumentException if {@code grace} is negative or over a minute
   */
  public ZooKeeperSource withRemovalGrace(Duration grace) {
    Checks.notNull(grace, "grace");
    Checks.argument(!grace.isNegative() && grace.compareTo(Duration.ofMinutes(1)) <= 0,
        "grace", grace, "0 to 1 minute");
    return new ZooKeeperSource(client, basePath, service, grace.toNanos());
  }

  static void checkBasePath(String basePath) {
    Checks.notNull(basePath, "basePath");
    Checks.argument(basePath.startsWith("/"), "basePath", basePath, "an absolute path, from /");
  }

  static void checkService(String service) {
    Checks.notBlank(service, "service");
    Checks.argument(service.indexOf('/') < 0, "service", service, "one path segment, no /");
  }

  @Override
  public void start(Listener listener, Context context) {
    Checks.notNull(listener, "listener");
    Checks.notNull(context, "context");
    synchronized (lock) {
      Checks.state(this.listener == null, "source", this, "not started yet");
      this.listener = listener;
      this.context = context;
    }
    // Curator's start creates the service's node, which blocks while ZooKeeper is unreachable
    context.executor().execute(() -> open(FIRST_RETRY_NANOS));
  }

  private void open(long retryNanos) {
    ServiceDiscovery<Map<String, String>> d;
    ServiceCache<Map<String, String>> c;
    synchronized (lock) {
      if (closed) {
        return;
      }
      d = ServiceDiscoveryBuilder.builder(stringMap())
          .client(client)
          .basePath(basePath)
          .serializer(new InstanceCodec())
          .watchInstances(false)
          .build();
      c = d.serviceCacheBuilder().name(service).build();
      c.addListener(new Watcher());
      discovery = d;
      cache = c;
    }
    CountDownLatch ready;
    try {
      d.start();
      ready = c.startImmediate();
    } catch (Exception e) {
      closeQuietly(c, d);
      listener.onError(e);
      long next = Math.min(retryNanos * 2, MAX_RETRY_NANOS);
      synchronized (lock) {
        if (!closed) {
          context.scheduler().schedule(
              () -> context.executor().execute(() -> open(next)), retryNanos);
        }
      }
      return;
    }
    if (closed) { // closed while starting: close() may have found the cache not started yet
      closeQuietly(c, d);
      return;
    }
    // The first list: the cache tells its listeners of changes only after its initial read.
    try {
      while (!ready.await(1, TimeUnit.SECONDS)) {
        synchronized (lock) {
          if (closed) {
            return;
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    initialized = true;
    push();
  }

  /** The cache's whole current list, to the listener; pushes are serialised by the lock. */
  private void push() {
    synchronized (pushLock) {
      if (closed || !initialized || !connected) {
        return; // after a reconnection the current list is pushed anyway
      }
      List<ServiceInstance<Map<String, String>>> instances = cache.getInstances();
      // two instances of one address (a restarted server beside its old, expiring node) are
      // one server: the first by instance id, so that the choice does not vary
      instances.sort(Comparator.comparing(ServiceInstance::getId));
      Map<String, Server> now = new HashMap<>();
      for (ServiceInstance<Map<String, String>> instance : instances) {
        try {
          Server s = InstanceCodec.toServer(instance);
          now.putIfAbsent(s.id(), s);
        } catch (IllegalArgumentException e) {
          log.warn("ZooKeeper {}/{}: instance left out: {}", basePath, service, e.getMessage());
        }
      }
      keepVanishedInTheirGrace(now);
      listed = now;
      List<Server> servers = new ArrayList<>(now.values());
      // the cache is a hash map: sort so that an unchanged registry gives the same list
      servers.sort(Comparator.comparing(Server::id));
      listener.onServers(servers);
    }
  }

  /**
   * Adds to {@code now} the servers listed before that vanished less than the grace ago, and
   * schedules the push that lists them no more once it ends. Called under the push lock.
   */
  private void keepVanishedInTheirGrace(Map<String, Server> now) {
    missingSince.keySet().retainAll(listed.keySet());
    missingSince.keySet().removeAll(now.keySet()); // back within the grace: never missed
    long t = context.ticker().read();
    long nextEnd = Long.MAX_VALUE;
    for (Server s : listed.values()) {
      if (now.containsKey(s.id())) {
        continue;
      }
      long left = removalGraceNanos - (t - missingSince.computeIfAbsent(s.id(), id -> t));
      if (left > 0) {
        now.put(s.id(), s);
        nextEnd = Math.min(nextEnd, left);
      } else {
        missingSince.remove(s.id());
      }
    }
    if (nextEnd != Long.MAX_VALUE) {
      context.scheduler().schedule(() -> context.executor().execute(this::push), nextEnd);
    }
  }

  private final class Watcher implements ServiceCacheListener {
    @Override
    public void cacheChanged() {
      push();
    }

    @Override
    public void stateChanged(CuratorFramework c, ConnectionState state) {
      switch (state) {
        case SUSPENDED, LOST -> {
          connected = false;
          // never an empty list: the binder keeps the last good one while this lasts
          if (!closed) {
            listener.onError(new IOException(
                "ZooKeeper connection " + state + " (" + basePath + "/" + service
                    + "): keeping the last list until it is back"));
          }
        }
        // the cache re-reads after a new session; this says the source is answering again
        case RECONNECTED -> {
          connected = true;
          push();
        }
        default -> {}
      }
    }
  }

  @Override
  public void close() {
    ServiceCache<Map<String, String>> c;
    ServiceDiscovery<Map<String, String>> d;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      c = cache;
      d = discovery;
    }
    closeQuietly(c, d);
  }

  private static void closeQuietly(
      ServiceCache<Map<String, String>> c, ServiceDiscovery<Map<String, String>> d) {
    try {
      if (c != null) {
        c.close();
      }
    } catch (IOException | RuntimeException e) {
      log.debug("closing the service cache", e);
    }
    try {
      if (d != null) {
        d.close();
      }
    } catch (IOException | RuntimeException e) {
      log.debug("closing the service discovery", e);
    }
  }

  @SuppressWarnings("unchecked")
  static Class<Map<String, String>> stringMap() {
    return (Class<Map<String, String>>) (Class<?>) Map.class;
  }

  @Override
  public String toString() {
    return "ZooKeeperSource[" + basePath + "/" + service + "]";
  }
}
