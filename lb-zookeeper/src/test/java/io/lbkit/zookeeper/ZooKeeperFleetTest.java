package io.lbkit.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.Fleet;
import io.lbkit.Fleet.Position;
import io.lbkit.testing.ManualScheduler;
import io.lbkit.testing.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Against a real ZooKeeper (Curator's {@code TestingServer}): clients joining a fleet learn
 * distinct positions, re-rank when one leaves, and keep their position through an outage and a
 * session expiry.
 */
class ZooKeeperFleetTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private ZooKeeperFixture zk;
  /** Every fleet's change listener wakes the waiters. */
  private final Object changes = new Object();
  private final Runnable wake = () -> {
    synchronized (changes) {
      changes.notifyAll();
    }
  };

  @BeforeEach
  void startZooKeeper() throws Exception {
    zk = new ZooKeeperFixture();
  }

  @AfterEach
  void stop() throws Exception {
    zk.close();
  }

  /** Joins with no departure grace: a leave re-ranks at once, what most of these tests watch. */
  private ZooKeeperFleet join(CuratorFramework client, String id) throws Exception {
    ZooKeeperFleet f = ZooKeeperFleet.builder(client, "orders", id)
        .departureGrace(Duration.ZERO).join();
    f.addChangeListener(wake);
    zk.closeLater(f);
    return f;
  }

  /** Waits, woken by every fleet change, until {@code condition} holds; bounded. */
  private void await(String what, BooleanSupplier condition) throws InterruptedException {
    // a wake-up cannot slip between a check and the wait (both hold the monitor); the wait is
    // capped because some conditions read ZooKeeper itself, which wakes no one
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    synchronized (changes) {
      while (!condition.getAsBoolean()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("timed out after " + TIMEOUT + " waiting for " + what);
        }
        changes.wait(Math.max(1, Math.min(left / 1_000_000, 100)));
      }
    }
  }

  private static Position at(int index, int count) {
    return new Position(index, count);
  }

  @Test
  void threeClientsJoinAndTakePositionsZeroToTwoOfThreeByTheirIds() throws Exception {
    ZooKeeperFleet b = join(zk.client(), "pod-b");
    assertThat(b.position()).isEqualTo(at(0, 1)); // known when join returns
    ZooKeeperFleet c = join(zk.client(), "pod-c");
    ZooKeeperFleet a = join(zk.client(), "pod-a");
    await("three of three", () -> at(0, 3).equals(a.position())
        && at(1, 3).equals(b.position()) && at(2, 3).equals(c.position()));
    assertThat(a.clientId()).isEqualTo("pod-a");
    assertThat(a).hasToString("ZooKeeperFleet[/lbkit/fleets/orders pod-a at 0/3]");
  }

  @Test
  void whenOneLeavesTheOthersRankAgain() throws Exception {
    CuratorFramework client = zk.client(); // one client, three members: the fleets share a session
    ZooKeeperFleet a = join(client, "pod-a");
    ZooKeeperFleet b = join(client, "pod-b");
    ZooKeeperFleet c = join(client, "pod-c");
    await("three of three", () -> at(2, 3).equals(c.position()) && at(0, 3).equals(a.position()));
    Stat node = client.checkExists().forPath("/lbkit/fleets/orders/pod-b");
    assertThat(node).isNotNull();
    assertThat(node.getEphemeralOwner()).isNotZero();

    b.close();

    await("two of two", () -> at(0, 2).equals(a.position()) && at(1, 2).equals(c.position()));
    assertThat(client.checkExists().forPath("/lbkit/fleets/orders/pod-b")).isNull();
    assertThat(b.position()).isEqualTo(at(1, 3)); // a closed fleet keeps its last position
    b.close(); // idempotent
  }

  @Test
  void aClientThatDiesLeavesWithItsSession() throws Exception {
    ZooKeeperFleet a = join(zk.client(), "pod-a");
    CuratorFramework dying = zk.client();
    join(dying, "pod-b");
    await("two of two", () -> at(0, 2).equals(a.position()));
    dying.close(); // never leaves: its session ends
    await("one of one", () -> at(0, 1).equals(a.position()));
  }

  @Test
  void anOutageKeepsThePositionAndTheFleetFollowsChangesWhenZooKeeperIsBack() throws Exception {
    CuratorFramework client = zk.client();
    // a counts vanished members through a grace on a clock that never moves: what it shows
    // is what a grace hides of Curator's re-registrations after the restart
    ManualScheduler timer = new ManualScheduler(new ManualTicker());
    ZooKeeperFleet a = ZooKeeperFleet.builder(client, "orders", "pod-a")
        .ticker(timer.ticker()).scheduler(timer).join();
    zk.closeLater(a);
    a.addChangeListener(wake);
    ZooKeeperFleet b = join(zk.client(), "pod-b");
    await("two of two", () -> at(1, 2).equals(b.position()));
    List<Position> seen = new ArrayList<>();
    a.addChangeListener(() -> {
      synchronized (seen) {
        seen.add(a.position());
      }
    });
    CountDownLatch suspended = new CountDownLatch(1);
    CountDownLatch reconnected = new CountDownLatch(1);
    client.getConnectionStateListenable().addListener((c, state) -> {
      if (state == ConnectionState.SUSPENDED) {
        suspended.countDown();
      } else if (state == ConnectionState.RECONNECTED) {
        reconnected.countDown();
      }
    });

    zk.server().stop();
    assertThat(suspended.await(20, TimeUnit.SECONDS)).isTrue();
    assertThat(a.position()).isEqualTo(at(0, 2));
    assertThat(b.position()).isEqualTo(at(1, 2));

    zk.server().restart();
    assertThat(reconnected.await(20, TimeUnit.SECONDS)).isTrue();
    ZooKeeperFleet c = join(zk.client(), "pod-c");
    await("three of three after the restart", () -> at(0, 3).equals(a.position())
        && at(1, 3).equals(b.position()) && at(2, 3).equals(c.position()));
    synchronized (seen) {
      assertThat(seen).containsExactly(at(0, 3)); // the outage and the re-registrations: nothing
    }
  }

  @Test
  void anExpiredSessionKeepsThePositionAndTheNewSessionListsTheClientAgain() throws Exception {
    CuratorFramework client = zk.client();
    ZooKeeperFleet a = join(client, "pod-a");
    ZooKeeperFleet b = join(zk.client(), "pod-b");
    await("two of two", () -> at(1, 2).equals(b.position()));
    List<Position> seen = new ArrayList<>();
    a.addChangeListener(() -> {
      synchronized (seen) {
        seen.add(a.position());
      }
    });
    long oldSession = client.getZookeeperClient().getZooKeeper().getSessionId();
    CuratorFramework observer = zk.client();

    client.getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();

    // the node died with the old session; the new session writes it again
    await("a listed again by a new session", () -> {
      try {
        Stat s = observer.checkExists().forPath("/lbkit/fleets/orders/pod-a");
        return s != null && s.getEphemeralOwner() != oldSession
            && at(1, 2).equals(b.position());
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
    assertThat(a.position()).isEqualTo(at(0, 2));
    synchronized (seen) {
      assertThat(seen).as("a's position never moved").isEmpty();
    }
  }

  @Test
  void aThrowingListenerIsLoggedAndTheOthersAndTheFleetCarryOn() throws Exception {
    CuratorFramework client = zk.client();
    ZooKeeperFleet a = ZooKeeperFleet.builder(client, "orders", "pod-a")
        .departureGrace(Duration.ZERO).join();
    zk.closeLater(a);
    int[] thrown = new int[1];
    a.addChangeListener(() -> {
      thrown[0]++;
      throw new IllegalStateException("a listener's bug");
    });
    a.addChangeListener(wake);
    join(client, "pod-0"); // ranks before pod-a
    await("a moves to 1 of 2", () -> at(1, 2).equals(a.position()));
    ZooKeeperFleet c = join(client, "pod-c");
    await("and on to 1 of 3", () -> at(1, 3).equals(a.position())
        && at(2, 3).equals(c.position()));
    assertThat(thrown[0]).isGreaterThanOrEqualTo(2);
  }

  @Test
  void aMemberWhoseNodeBlinksWithinTheGraceMovesNoOne() throws Exception {
    ManualScheduler timer = new ManualScheduler(new ManualTicker());
    CuratorFramework client = zk.client();
    ZooKeeperFleet a = ZooKeeperFleet.builder(client, "orders", "pod-a")
        .ticker(timer.ticker()).scheduler(timer).join();
    zk.closeLater(a);
    a.addChangeListener(wake);
    join(zk.client(), "pod-b");
    await("two of two", () -> at(0, 2).equals(a.position()));
    List<Position> seen = new ArrayList<>();
    a.addChangeListener(() -> {
      synchronized (seen) {
        seen.add(a.position());
      }
    });

    // what Curator does on a reconnection: delete the node and write it again
    String node = "/lbkit/fleets/orders/pod-b";
    byte[] data = client.getData().forPath(node);
    client.delete().forPath(node);
    client.create().withMode(CreateMode.EPHEMERAL).forPath(node, data);
    join(zk.client(), "pod-c"); // a third member: once a counts it, the blink is behind it

    await("three of three", () -> at(0, 3).equals(a.position()));
    synchronized (seen) {
      assertThat(seen).containsExactly(at(0, 3)); // never 0 of 1
    }
  }

  @Test
  void aMemberGoneForLongerThanTheGraceIsDroppedWhenItEnds() throws Exception {
    ManualScheduler timer = new ManualScheduler(new ManualTicker());
    ZooKeeperFleet a = ZooKeeperFleet.builder(zk.client(), "orders", "pod-a")
        .departureGrace(Duration.ofSeconds(2)).ticker(timer.ticker()).scheduler(timer).join();
    zk.closeLater(a);
    a.addChangeListener(wake);
    ZooKeeperFleet b = join(zk.client(), "pod-b");
    await("two of two", () -> at(0, 2).equals(a.position()));

    b.close();
    await("a's timer set for the end of b's grace", () -> timer.pending() > 0);
    assertThat(a.position()).isEqualTo(at(0, 2)); // still counted

    timer.advance(Duration.ofMillis(1999));
    assertThat(a.position()).isEqualTo(at(0, 2));
    timer.advance(Duration.ofMillis(1));
    assertThat(a.position()).isEqualTo(at(0, 1));
  }

  @Test
  void argumentsAreChecked() throws Exception {
    CuratorFramework client = zk.client();
    assertThatThrownBy(() -> ZooKeeperFleet.join(null, "orders", "a"))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("client");
    assertThatThrownBy(() -> ZooKeeperFleet.builder(client, "orders", "a").basePath("fleets"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("basePath");
    assertThatThrownBy(
            () -> ZooKeeperFleet.builder(client, "orders", "a").departureGrace(Duration.ofHours(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("grace");
    assertThatThrownBy(() -> ZooKeeperFleet.join(client, "a/b", "a"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fleet");
    assertThatThrownBy(() -> ZooKeeperFleet.join(client, "orders", " "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clientId");
    assertThatThrownBy(() -> ZooKeeperFleet.join(client, "orders", "x/y"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clientId");
    ZooKeeperFleet f = join(client, "a");
    assertThatThrownBy(() -> f.addChangeListener(null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("listener");
    Fleet asFleet = f;
    assertThat(asFleet.position()).isEqualTo(at(0, 1));
  }
}
