package io.lbkit.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/**
 * A real, single-node ZooKeeper on 127.0.0.1 for the demo, through ZooKeeper's own embedding API.
 * It can be stopped and started again on the same port and data directory, as an operator
 * restarting the registry would: sessions and their ephemeral nodes survive a short outage.
 */
final class EmbeddedZooKeeper implements AutoCloseable {
  private final Path dataDir;
  private final int port;
  private ZooKeeperServerEmbedded server; // guarded by this

  private EmbeddedZooKeeper(Path dataDir, int port) {
    this.dataDir = dataDir;
    this.port = port;
  }

  /** Starts a ZooKeeper on a free loopback port, with its data in a new temporary directory. */
  static EmbeddedZooKeeper start() throws Exception {
    Path dir = Files.createTempDirectory("lbkit-demo-zookeeper");
    EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir, freePort());
    try {
      zk.up();
    } catch (Exception e) {
      zk.close();
      throw e;
    }
    return zk;
  }

  /**
   * ZooKeeper reads its port from its configuration, so the OS picks one here first; the port is
   * kept for restarts, which is what lets clients find the registry again.
   */
  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  String connectString() {
    return "127.0.0.1:" + port;
  }

  /** Starts the server (again) and waits until it serves. */
  synchronized void up() throws Exception {
    if (server != null) {
      return;
    }
    Properties config = new Properties();
    config.setProperty("clientPort", Integer.toString(port));
    config.setProperty("clientPortAddress", "127.0.0.1");
    config.setProperty("tickTime", "500");
    config.setProperty("maxSessionTimeout", "60000");
    config.setProperty("admin.enableServer", "false");
    config.setProperty("4lw.commands.whitelist", "");
    ZooKeeperServerEmbedded s = ZooKeeperServerEmbedded.builder()
        .baseDir(dataDir)
        .configuration(config)
        .exitHandler(ExitHandler.LOG_ONLY)
        .build();
    s.start(10_000);
    server = s;
  }

  /** Stops the server; its data stays for {@link #up()}. */
  synchronized void down() {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  synchronized boolean isUp() {
    return server != null;
  }

  @Override
  public void close() {
    down();
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("deleting " + dataDir, e);
    }
  }
}
