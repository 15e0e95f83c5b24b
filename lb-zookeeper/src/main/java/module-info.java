/**
 * ZooKeeper discovery for lbkit: {@code io.lbkit.zookeeper}, a {@code ServerSource} on Apache
 * Curator's service discovery ({@code ZooKeeperSource}) and the registration a server makes
 * there ({@code ZooKeeperRegistration}).
 *
 * <p>Transitive on {@code io.lbkit.discovery} (the SPI the source implements) and on Curator's
 * framework, whose {@code CuratorFramework} client this API takes. Curator, ZooKeeper and Jackson
 * ship no {@code module-info}; Curator's jars and Jackson's name their automatic modules, and
 * ZooKeeper's jars get theirs from their file names.
 */
module io.lbkit.zookeeper {
  requires transitive io.lbkit.discovery;
  requires transitive curator.framework;
  // CuratorFramework's API shows curator-client's types (RetryPolicy, CuratorZookeeperClient):
  // resolving it here puts it beside curator-framework for this module's users and tests
  requires transitive curator.client;
  requires curator.x.discovery;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;

  exports io.lbkit.zookeeper;
}
