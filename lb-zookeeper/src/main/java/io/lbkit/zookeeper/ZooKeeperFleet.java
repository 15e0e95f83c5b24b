package io.lbkit.zookeeper;

import io.lbkit.Fleet;
import io.lbkit.Scheduler;
import io.lbkit.Ticker;
import io.lbkit.internal.Checks;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.x.discovery.ServiceCache;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.ServiceType;
import org.apache.curator.x.discovery.details.ServiceCacheListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Fleet} kept in ZooKeeper: this client lists itself as an ephemeral member of the fleet
 * and learns its position from the members listed, so that {@code Strategies.subset(size, fleet,
 * delegate)} spreads the fleet evenly over the servers and spreads it again when clients join or
 * leave. Made by {@link #join} or {@link #builder}; {@link #close()} leaves.
 *
 * <p>Layout: Curator's service discovery, one instance per client at {@code
 * <basePath>/<fleet>/<clientId>}, under its own base path ({@value #DEFAULT_BASE_PATH} by
 * default) rather than the servers' {@code /services}, so that nothing listing services (a
 * {@link ZooKeeperSource}, Spring Cloud Zookeeper) mistakes a client for a server. The fleet's
 * name says which clients spread together: those that call the same servers (the calling
 * application's name, or the called service's).
 *
 * <p>Position: the members' ids are sorted; this client's index is the rank of its own id, the
 * count their number. Ids must be unique within the fleet and should be stable (a pod name): a
 * second client with the same id takes over the first one's node (Curator re-creates a node that
 * exists), and the two would share one position.
 *
 * <p>A member whose node vanishes still counts for a {@linkplain Builder#departureGrace grace}
 * ({@value #DEFAULT_DEPARTURE_GRACE_SECONDS} s by default) and nothing changes if it is back
 * within it: Curator re-registers after every reconnection by deleting its node and creating it
 * again, so without the grace every ZooKeeper blink would spread the whole fleet twice. A client
 * that leaves for good is dropped that much later.
 *
 * <p>ZooKeeper trouble keeps the last position: a suspended or lost connection changes nothing
 * (the servers' load stays spread as it was), and when the connection is back the members are
 * read again. A session that expires takes this client's node with it; Curator's discovery writes
 * it again as soon as a new session starts. While the members read do not include this client
 * (between an expiry and the new registration) the last position is kept too, and before the
 * first read that includes it the position is unknown (null: a subset then uses the whole pool).
 * {@link #join} returns after that first read, so a fleet that joined normally knows its
 * position at once.
 *
 * <p>Change listeners run after the new position is visible, on Curator's event thread (or the
 * grace timer's, when a departure is counted), never under a lock of this class; one that throws
 * is logged at WARN and the others still run.
 *
 * <p>The {@link CuratorFramework} client is the caller's: started by the caller, shared if it
 * likes, and not closed by {@link #close()}.
 */
public final class ZooKeeperFleet implements Fleet, AutoCloseable {
  /** Where fleets are kept unless told otherwise: {@value}. */
  public static final String DEFAULT_BASE_PATH = "/lbkit/fleets";

  /** The default {@linkplain Builder#departureGrace departure grace}, in seconds: {@value}. */
  public static final int DEFAULT_DEPARTURE_GRACE_SECONDS = 2;

  private static final Logger log = LoggerFactory.getLogger(ZooKeeperFleet.class);

  private final String basePath;
  private final String fleet;
  private final String clientId;
  private final ServiceDiscovery<Map<String, String>> discovery;
  private final ServiceCache<Map<String, String>> cache;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  /** Guards the reading of the members into a position; never held while calling listeners. */
  private final Object lock = new Object();
  private volatile Position position;
  private volatile boolean closed;
  private boolean outage; // guarded by lock: WARN once per outage
  private final long graceNanos;
  private final Ticker ticker;
  private final Scheduler scheduler;
  private final ScheduledExecutorService ownedTimer; // null when the caller gave a scheduler
  /** The members counted at the last read, vanished ones in their grace included. */
  private Set<String> counted = Set.of(); // guarded by lock
  /** When each counted member was first missing from the cache. */
  private final Map<String, Long> missingSince = new HashMap<>(); // guarded by lock

  private ZooKeeperFleet(CuratorFramework client, String basePath, String fleet,
      String clientId, long graceNanos, Ticker ticker, Scheduler scheduler) {
    this.basePath = basePath;
    this.fleet = fleet;
    this.clientId = clientId;
    this.graceNanos = graceNanos;
    this.ticker = ticker;
    if (scheduler == null) {
      ownedTimer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lbkit-fleet-" + fleet);
        t.setDaemon(true);
        return t;
      });
      this.scheduler = Scheduler.of(ownedTimer);
    } else {
      ownedTimer = null;
      this.scheduler = scheduler;
    }
    ServiceInstance<Map<String, String>> self = new ServiceInstance<>(fleet, clientId, null, null,
        null, Map.of(), System.currentTimeMillis(), ServiceType.DYNAMIC, null);
    this.discovery = ServiceDiscoveryBuilder.builder(ZooKeeperSource.stringMap())
        .client(client)
        .basePath(basePath)
        .serializer(new InstanceCodec())
        .thisInstance(self)
        .watchInstances(false)
        .build();
    this.cache = discovery.serviceCacheBuilder().name(fleet).build();
  }

  /**
   * Joins {@code fleet} under {@value #DEFAULT_BASE_PATH} with the default grace: {@code
   * builder(client, fleet, clientId).join()}.
   *
   * @param client a Curator client; started by the caller, not closed by the fleet
   * @param fleet the fleet's name, one path segment
   * @param clientId this client's id, unique in the fleet, one path segment
   * @return the fleet, its position known
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code fleet} or {@code clientId} is blank or holds a
   *     {@code /}
   * @throws Exception if ZooKeeper could not be reached (within the client's retry policy) or
   *     refused the write
   */
  public static ZooKeeperFleet join(CuratorFramework client, String fleet, String clientId)
      throws Exception {
    return builder(client, fleet, clientId).join();
  }

  /**
   * Starts describing how this client joins {@code fleet}.
   *
   * @param client a Curator client; started by the caller, not closed by the fleet
   * @param fleet the fleet's name, one path segment
   * @param clientId this client's id, unique in the fleet, one path segment
   * @return the builder
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code fleet} or {@code clientId} is blank or holds a
   *     {@code /}
   */
  public static Builder builder(CuratorFramework client, String fleet, String clientId) {
    Checks.notNull(client, "client");
    Checks.notBlank(fleet, "fleet");
    Checks.argument(fleet.indexOf('/') < 0, "fleet", fleet, "one path segment, no /");
    Checks.notBlank(clientId, "clientId");
    Checks.argument(clientId.indexOf('/') < 0, "clientId", clientId, "one path segment, no /");
    return new Builder(client, fleet, clientId);
  }

  /** {@return this client's id in the fleet, the name of its node} */
  public String clientId() {
    return clientId;
  }

  /**
   * {@inheritDoc} The rank of this client's id among the members' and their number, as last
   * read with this client among them; null only before the first such read.
   */
  @Override
  public Position position() {
    return position;
  }

  @Override
  public void addChangeListener(Runnable listener) {
    listeners.add(Checks.notNull(listener, "listener"));
  }

  @Override
  public void removeChangeListener(Runnable listener) {
    listeners.remove(listener);
  }

  /** Reads the members into a position; tells the listeners, outside the lock, if it moved. */
  private void read() {
    Position next;
    synchronized (lock) {
      if (closed) {
        return;
      }
      Set<String> now = new HashSet<>();
      for (ServiceInstance<Map<String, String>> member : cache.getInstances()) {
        now.add(member.getId());
      }
      keepVanishedInTheirGrace(now);
      counted = now;
      List<String> ids = new ArrayList<>(now);
      Collections.sort(ids);
      int index = Collections.binarySearch(ids, clientId);
      if (index < 0) {
        // not listed (a new session has not written the node again yet): keep the last
        log.debug("fleet {}/{}: {} not among the {} members read; keeping position {}",
            basePath, fleet, clientId, ids.size(), position);
        return;
      }
      next = new Position(index, ids.size());
      if (next.equals(position)) {
        return;
      }
      log.info("fleet {}/{}: {} is now client {} (was {})", basePath, fleet, clientId, next,
          position);
      position = next;
    }
    for (Runnable r : listeners) {
      try {
        r.run();
      } catch (RuntimeException e) {
        log.warn("fleet {}/{}: change listener {} failed", basePath, fleet, r, e);
      }
    }
  }

  /**
   * Adds to {@code now} the members counted before that vanished less than the grace ago, and
   * schedules the read that drops them once it ends. Called under the lock.
   */
  private void keepVanishedInTheirGrace(Set<String> now) {
    missingSince.keySet().retainAll(counted);
    missingSince.keySet().removeAll(now); // back within the grace: never missed
    long t = ticker.read();
    long nextEnd = Long.MAX_VALUE;
    for (String id : counted) {
      if (now.contains(id)) {
        continue;
      }
      long left = graceNanos - (t - missingSince.computeIfAbsent(id, x -> t));
      if (left > 0) {
        now.add(id);
        nextEnd = Math.min(nextEnd, left);
      } else {
        missingSince.remove(id);
      }
    }
    if (nextEnd != Long.MAX_VALUE) {
      try {
        scheduler.schedule(this::read, nextEnd);
      } catch (RejectedExecutionException e) {
        log.debug("fleet {}/{}: timer shut down, a departure waits for the next change",
            basePath, fleet, e);
      }
    }
  }

  private final class Watcher implements ServiceCacheListener {
    @Override
    public void cacheChanged() {
      read();
    }

    @Override
    public void stateChanged(CuratorFramework c, ConnectionState state) {
      switch (state) {
        case SUSPENDED, LOST -> {
          synchronized (lock) {
            if (closed || outage) {
              return;
            }
            outage = true;
          }
          log.warn("fleet {}/{}: ZooKeeper connection {}; keeping position {} until it is back",
              basePath, fleet, state, position);
        }
        case RECONNECTED -> {
          synchronized (lock) {
            outage = false;
          }
          log.info("fleet {}/{}: ZooKeeper connection back", basePath, fleet);
          read();
        }
        default -> {}
      }
    }
  }

  /**
   * Leaves the fleet (this client's node is deleted, so the others spread again without it) and
   * stops watching; the position stays as last read. Idempotent; the client stays open.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    closeQuietly(null);
  }

  private void closeQuietly(Exception failure) {
    closed = true;
    try {
      cache.close();
    } catch (IOException | RuntimeException e) {
      record(failure, e, "closing the members' cache");
    }
    try {
      discovery.close(); // deletes this client's node
    } catch (IOException | RuntimeException e) {
      record(failure, e, "leaving the fleet");
    }
    if (ownedTimer != null) {
      ownedTimer.shutdownNow();
    }
  }

  private static void record(Exception failure, Exception e, String what) {
    if (failure != null) {
      failure.addSuppressed(e);
    } else {
      log.debug(what, e);
    }
  }

  @Override
  public String toString() {
    return "ZooKeeperFleet[" + basePath + "/" + fleet + " " + clientId + " at " + position + "]";
  }

  /** How to join; {@link #join()} writes this client's node and reads the members. */
  public static final class Builder {
    private final CuratorFramework client;
    private final String fleet;
    private final String clientId;
    private String basePath = DEFAULT_BASE_PATH;
    private Duration grace = Duration.ofSeconds(DEFAULT_DEPARTURE_GRACE_SECONDS);
    private Ticker ticker = Ticker.system();
    private Scheduler scheduler;

    private Builder(CuratorFramework client, String fleet, String clientId) {
      this.client = client;
      this.fleet = fleet;
      this.clientId = clientId;
    }

    /**
     * Where fleets are kept; {@value ZooKeeperFleet#DEFAULT_BASE_PATH} by default.
     *
     * @param basePath an absolute ZooKeeper path
     * @return this builder
     * @throws NullPointerException if {@code basePath} is null
     * @throws IllegalArgumentException if {@code basePath} does not start with {@code /}
     */
    public Builder basePath(String basePath) {
      ZooKeeperSource.checkBasePath(basePath);
      this.basePath = basePath;
      return this;
    }

    /**
     * How long a member whose node vanished still counts, so that Curator's delete and
     * re-create after a reconnection moves no one; {@value
     * ZooKeeperFleet#DEFAULT_DEPARTURE_GRACE_SECONDS} s by default. Zero counts every departure
     * at once.
     *
     * @param grace 0 to 1 minute
     * @return this builder
     * @throws NullPointerException if {@code grace} is null
     * @throws IllegalArgumentException if {@code grace} is negative or over a minute
     */
    public Builder departureGrace(Duration grace) {
      Checks.notNull(grace, "grace");
      Checks.argument(!grace.isNegative() && grace.compareTo(Duration.ofMinutes(1)) <= 0,
          "grace", grace, "0 to 1 minute");
      this.grace = grace;
      return this;
    }

    /**
     * The clock the grace is measured on; the system's by default.
     *
     * @param ticker the clock
     * @return this builder
     * @throws NullPointerException if {@code ticker} is null
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = Checks.notNull(ticker, "ticker");
      return this;
    }

    /**
     * Runs the timer that ends a grace; by default the fleet's own daemon thread, stopped by
     * {@link ZooKeeperFleet#close()}. A scheduler given here is the caller's and is not stopped.
     *
     * @param scheduler runs the end-of-grace reads; it must follow the {@link #ticker}
     * @return this builder
     * @throws NullPointerException if {@code scheduler} is null
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Checks.notNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Lists this client as a member of the fleet (an ephemeral node at {@code
     * <basePath>/<fleet>/<clientId>}), reads the members and starts watching them. Blocks until
     * the node is written and the members read, within the client's retry policy.
     *
     * @return the fleet, its position known
     * @throws Exception if ZooKeeper could not be reached (within the client's retry policy) or
     *     refused the write
     */
    public ZooKeeperFleet join() throws Exception {
      ZooKeeperFleet f = new ZooKeeperFleet(
          client, basePath, fleet, clientId, grace.toNanos(), ticker, scheduler);
      try {
        f.discovery.start(); // writes this client's node
        f.cache.addListener(f.new Watcher());
        f.cache.start(); // the first read of the members
      } catch (Exception e) {
        f.closeQuietly(e);
        throw e;
      }
      f.read();
      return f;
    }
  }
}
