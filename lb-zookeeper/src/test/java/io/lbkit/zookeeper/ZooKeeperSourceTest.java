package io.lbkit.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.discovery.Discovery;
import io.lbkit.testing.ManualScheduler;
import io.lbkit.testing.ManualTicker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorWatcher;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Against a real ZooKeeper (Curator's in-process {@code TestingServer}, on a port the OS picks):
 * registrations reach a pool through {@link ZooKeeperSource} and a {@link Discovery} binder,
 * sessions that end take their servers away, and an outage leaves the pool alone.
 */
class ZooKeeperSourceTest {
  private ZooKeeperFixture zk;
  private final ServerPool pool = ServerPool.empty();
  private final Events events = new Events();

  @BeforeEach
  void startZooKeeper() throws Exception {
    zk = new ZooKeeperFixture();
  }

  @AfterEach
  void stop() throws Exception {
    zk.close();
  }

  private Discovery bind(CuratorFramework client) {
    return bind(ZooKeeperSource.of(client, "inventory"));
  }

  private Discovery bind(ZooKeeperSource source) {
    Discovery d = Discovery.builder(source, pool)
        .name("inventory")
        .removalDelay(Duration.ZERO) // a leaver goes at once: what these tests watch
        .allowEmpty()
        .listener(events)
        .start();
    zk.closeLater(d);
    return d;
  }

  private ZooKeeperRegistration register(CuratorFramework client, String host, int port)
      throws Exception {
    ZooKeeperRegistration r =
        ZooKeeperRegistration.builder(client, "inventory", host, port).register();
    zk.closeLater(r);
    return r;
  }

  private Set<String> ids() {
    return pool.servers().stream().map(Server::id).collect(Collectors.toSet());
  }

  @Test
  void registrationsReachThePoolWithTheirFieldsAndASecondServerJoins() throws Exception {
    CuratorFramework client = zk.client();
    Discovery discovery = bind(client);
    long t0 = System.nanoTime();
    ZooKeeperRegistration a = ZooKeeperRegistration.builder(client, "inventory", "10.0.0.1", 8080)
        .weight(3).zone("eu-1").priority(1).metadata("role", "replica").register();
    zk.closeLater(a);
    events.await("10.0.0.1:8080 in the pool", () -> ids().equals(Set.of("10.0.0.1:8080")));
    long firstMillis = TimeUnit.NANOSECONDS.toMillis(events.lastChangeNanos() - t0);
    // ready() completes just after the pool update this await saw: wait for it, bounded
    assertThat(discovery.ready().get(Events.TIMEOUT.toSeconds(), TimeUnit.SECONDS))
        .extracting(Server::id).containsExactly("10.0.0.1:8080");
    assertThat(pool.servers()).containsExactly(Server.builder("10.0.0.1", 8080)
        .weight(3).zone("eu-1").priority(1).metadata("role", "replica").build());

    long t1 = System.nanoTime();
    register(zk.client(), "10.0.0.2", 8080);
    events.await("both in the pool", () -> ids().size() == 2);
    long secondMillis = TimeUnit.NANOSECONDS.toMillis(events.lastChangeNanos() - t1);
    assertThat(ids()).containsExactlyInAnyOrder("10.0.0.1:8080", "10.0.0.2:8080");
    System.out.printf(
        "registration to new pool: first server %d ms (includes the first read), second %d ms%n",
        firstMillis, secondMillis);
  }

  @Test
  void aClosedRegistrationLeavesThePool() throws Exception {
    CuratorFramework client = zk.client();
    bind(client);
    register(client, "10.0.0.1", 8080);
    ZooKeeperRegistration b = register(zk.client(), "10.0.0.2", 8080);
    events.await("both in the pool", () -> ids().size() == 2);

    long t0 = System.nanoTime();
    b.close();
    events.await("10.0.0.2 gone", () -> ids().equals(Set.of("10.0.0.1:8080")));
    System.out.printf("unregistration to new pool: %d ms%n",
        TimeUnit.NANOSECONDS.toMillis(events.lastChangeNanos() - t0));
    b.close(); // idempotent
  }

  @Test
  void aServerWhoseSessionEndsLeavesThePool() throws Exception {
    CuratorFramework client = zk.client();
    bind(client);
    register(client, "10.0.0.1", 8080);
    CuratorFramework server = zk.client();
    register(server, "10.0.0.2", 8080);
    events.await("both in the pool", () -> ids().size() == 2);

    server.close(); // the process "dies": it never unregisters, its session ends
    events.await("10.0.0.2 gone", () -> ids().equals(Set.of("10.0.0.1:8080")));
  }

  @Test
  void anExpiredSessionIsRegisteredAgainAndThePoolNeverSeesTheGap() throws Exception {
    CuratorFramework client = zk.client();
    // a grace no re-registration outlasts, however loaded the machine: the gap is never seen
    bind(ZooKeeperSource.of(client, "inventory").withRemovalGrace(Duration.ofSeconds(30)));
    register(client, "10.0.0.1", 8080);
    CuratorFramework server = zk.client();
    ZooKeeperRegistration r = register(server, "10.0.0.2", 8080);
    events.await("both in the pool", () -> events.listed().size() == 2);
    String node = ZooKeeperSource.DEFAULT_BASE_PATH + "/inventory/" + r.id();
    long oldSession = server.getZookeeperClient().getZooKeeper().getSessionId();
    int changesBefore = events.changes();

    server.getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
    awaitNode(client, node, oldSession);
    // a leave the source will list: it comes after the gap, so once it is in the pool, a
    // change for the gap would have come before it
    register(zk.client(), "10.0.0.3", 8080);
    // the pool changes just before its listener hears of it: wait for the change event itself
    events.await("10.0.0.3's change", () -> events.changes() > changesBefore && ids().size() == 3);

    assertThat(events.changes()).as("changes: only 10.0.0.3 joining").isEqualTo(changesBefore + 1);
  }

  @Test
  void withoutAGraceTheGapOfAReRegistrationReachesThePool() throws Exception {
    CuratorFramework client = zk.client();
    bind(ZooKeeperSource.of(client, "inventory").withRemovalGrace(Duration.ZERO));
    CuratorFramework server = zk.client();
    ZooKeeperRegistration r = register(server, "10.0.0.2", 8080);
    events.await("10.0.0.2 in the pool", () -> events.listed().equals(Set.of("10.0.0.2:8080")));
    String node = ZooKeeperSource.DEFAULT_BASE_PATH + "/inventory/" + r.id();
    long oldSession = server.getZookeeperClient().getZooKeeper().getSessionId();
    int changesBefore = events.changes();

    server.getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();

    // the expiry deletes the node (the pool sees the server leave), the new session writes it
    events.await("10.0.0.2 gone and back",
        () -> events.changes() >= changesBefore + 2 && ids().equals(Set.of("10.0.0.2:8080")));
    awaitNode(client, node, oldSession);
  }

  /** Waits until {@code node} exists, owned by a session other than {@code oldSession}. */
  private static void awaitNode(CuratorFramework client, String node, long oldSession)
      throws Exception {
    CountDownLatch written = new CountDownLatch(1);
    CuratorWatcher watcher = new CuratorWatcher() {
      @Override
      public void process(WatchedEvent event) throws Exception {
        check();
      }

      void check() throws Exception {
        Stat stat = client.checkExists().usingWatcher(this).forPath(node);
        if (stat != null && stat.getEphemeralOwner() != 0
            && stat.getEphemeralOwner() != oldSession) {
          written.countDown();
        }
      }
    };
    watcher.process(null);
    assertThat(written.await(Events.TIMEOUT.toSeconds(), TimeUnit.SECONDS))
        .as("%s written again by a new session", node).isTrue();
  }

  @Test
  void anOutageKeepsThePoolAndTheSourceResumesWhenZooKeeperIsBack() throws Exception {
    CuratorFramework client = zk.client();
    Discovery discovery =
        bind(ZooKeeperSource.of(client, "inventory").withRemovalGrace(Duration.ofSeconds(30)));
    register(client, "10.0.0.1", 8080);
    register(zk.client(), "10.0.0.2", 8080);
    events.await("both in the pool", () -> events.listed().size() == 2);
    List<Server> before = pool.servers();
    int changesBefore = events.changes();

    zk.server().stop();
    events.await("the source reports the outage", () -> events.failures() > 0);
    assertThat(pool.servers()).isEqualTo(before);
    assertThat(events.changes()).isEqualTo(changesBefore);
    assertThat(discovery.status().consecutiveFailures()).isPositive();

    zk.server().restart();
    events.await("the source answers again", () -> events.recoveries() > 0);
    // Curator re-registers on reconnection by deleting and re-creating each node (so that
    // watchers fire): with a zero removal delay the pool may see a server leave and come back
    register(zk.client(), "10.0.0.3", 8080);
    events.await("10.0.0.3 joins after the restart",
        () -> events.changes() > changesBefore && ids().size() == 3);
    // Curator re-registers 10.0.0.1 and 10.0.0.2 on reconnection by deleting and re-creating
    // their nodes: the removal grace keeps that gap out of the pool, so the join is the only
    // change since the outage began
    assertThat(ids()).containsExactlyInAnyOrder("10.0.0.1:8080", "10.0.0.2:8080", "10.0.0.3:8080");
    assertThat(events.changes()).isEqualTo(changesBefore + 1);
  }

  @Test
  void aGraceEndingWhileZooKeeperIsDownPushesNothingUntilItIsBack() throws Exception {
    ManualTicker ticker = new ManualTicker();
    ManualScheduler scheduler = new ManualScheduler(ticker);
    CuratorFramework client = zk.client();
    Discovery d = Discovery.builder(ZooKeeperSource.of(client, "inventory"), pool)
        .name("inventory")
        .removalDelay(Duration.ZERO)
        .listener(events)
        .ticker(ticker)
        .scheduler(scheduler)
        .executor(Runnable::run)
        .start();
    zk.closeLater(d);
    register(client, "10.0.0.1", 8080);
    ZooKeeperRegistration b = register(zk.client(), "10.0.0.2", 8080);
    events.await("both in the pool", () -> ids().size() == 2);
    b.close();
    // the cache sees 10.0.0.2 go before 10.0.0.3 come: once .3 is in, .2 is held in its grace
    register(zk.client(), "10.0.0.3", 8080);
    events.await("10.0.0.3 in the pool", () -> ids().size() == 3);
    assertThat(ids()).contains("10.0.0.2:8080");

    // (the empty list before the first registration was a failure, and .1 its recovery)
    int failures = events.failures();
    int recoveries = events.recoveries();
    zk.server().stop();
    events.await("the source reports the outage", () -> events.failures() > failures);
    int changes = events.changes();
    scheduler.advance(Duration.ofSeconds(ZooKeeperSource.DEFAULT_REMOVAL_GRACE_SECONDS));
    // the grace ended during the outage: no push, so no change and no false recovery
    assertThat(events.recoveries()).isEqualTo(recoveries);
    assertThat(events.changes()).isEqualTo(changes);
    assertThat(ids()).contains("10.0.0.2:8080");

    zk.server().restart();
    events.await("10.0.0.2 gone once ZooKeeper is back", () -> ids().size() == 2);
    assertThat(ids()).containsExactlyInAnyOrder("10.0.0.1:8080", "10.0.0.3:8080");
    assertThat(events.recoveries()).isGreaterThan(recoveries);
  }

  @Test
  void readsSpringCloudZookeeperAndFlatPayloadsAndLeavesOutBadInstances() throws Exception {
    CuratorFramework client = zk.client();
    String path = ZooKeeperSource.DEFAULT_BASE_PATH + "/inventory/";
    // Spring Cloud Zookeeper's layout: a typed payload, its fields under "metadata"
    create(client, path + "spring", "{\"name\":\"inventory\",\"id\":\"spring\","
        + "\"address\":\"10.0.0.5\",\"port\":8080,\"sslPort\":null,\"payload\":{\"@class\":"
        + "\"org.springframework.cloud.zookeeper.discovery.ZookeeperInstance\",\"id\":\"app\","
        + "\"name\":\"inventory\",\"metadata\":{\"zone\":\"eu-2\",\"version\":\"7\"}},"
        + "\"registrationTimeUTC\":1,\"serviceType\":\"DYNAMIC\",\"uriSpec\":null}");
    // a flat payload, only an SSL port
    create(client, path + "flat", "{\"name\":\"inventory\",\"id\":\"flat\","
        + "\"address\":\"10.0.0.6\",\"sslPort\":8443,\"payload\":{\"weight\":5,\"priority\":2},"
        + "\"serviceType\":\"DYNAMIC\"}");
    // no payload at all
    create(client, path + "plain", "{\"name\":\"inventory\",\"id\":\"plain\","
        + "\"address\":\"10.0.0.7\",\"port\":80}");
    create(client, path + "bad", "{\"name\":\"inventory\",\"id\":\"bad\","
        + "\"address\":\"10.0.0.8\",\"port\":80,\"payload\":{\"weight\":\"heavy\"}}");
    bind(client);
    events.await("the three good instances", () -> ids().size() == 3);
    assertThat(pool.servers()).containsExactlyInAnyOrder(
        Server.builder("10.0.0.5", 8080).zone("eu-2").metadata("version", "7").build(),
        Server.builder("10.0.0.6", 8443).weight(5).priority(2).build(),
        Server.of("10.0.0.7", 80));
  }

  private static void create(CuratorFramework client, String path, String json) throws Exception {
    client.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT)
        .forPath(path, json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void argumentsAreChecked() throws Exception {
    CuratorFramework client = zk.client();
    assertThatThrownBy(() -> ZooKeeperSource.of(null, "inventory"))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("client");
    assertThatThrownBy(() -> ZooKeeperSource.of(client, "services", "inventory"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("basePath");
    assertThatThrownBy(() -> ZooKeeperSource.of(client, "a/b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("service");
    assertThatThrownBy(() -> ZooKeeperRegistration.builder(client, "inventory", "h", 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port");
    assertThatThrownBy(
            () -> ZooKeeperRegistration.builder(client, "inventory", "h", 80).weight(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weight");
    assertThatThrownBy(
            () -> ZooKeeperRegistration.builder(client, "inventory", "h", 80)
                .metadata("zone", "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key");
  }
}
