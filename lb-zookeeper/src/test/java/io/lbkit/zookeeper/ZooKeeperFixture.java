package io.lbkit.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.test.TestingServer;

/**
 * A real ZooKeeper for one test (curator-test's in-process {@code TestingServer}, on a port the
 * OS picks), the clients made on it, and whatever the test hands over to close: all closed in
 * reverse order, then the server.
 */
final class ZooKeeperFixture implements AutoCloseable {
  private final TestingServer server;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  ZooKeeperFixture() throws Exception {
    server = new TestingServer(true);
  }

  /** {@return the server, to stop and restart} */
  TestingServer server() {
    return server;
  }

  /**
   * A started, connected client, closed with the fixture. Sessions last 30 s, so that a client
   * keeps its session across a test's stop and restart of the server.
   */
  CuratorFramework client() throws InterruptedException {
    CuratorFramework c = closeLater(CuratorFrameworkFactory.newClient(
        server.getConnectString(), 30_000, 5_000, new ExponentialBackoffRetry(100, 3)));
    c.start();
    assertThat(c.blockUntilConnected(20, TimeUnit.SECONDS)).isTrue();
    return c;
  }

  /** Closes {@code c} with the fixture, before what was handed over earlier. */
  <T extends AutoCloseable> T closeLater(T c) {
    toClose.add(c);
    return c;
  }

  @Override
  public void close() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    server.close();
  }
}
