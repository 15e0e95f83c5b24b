/**
 * ZooKeeper as a source of servers, in the layout of Apache Curator's service discovery
 * ({@code <basePath>/<service>/<instance id>}, one JSON document per instance), which Spring
 * Cloud Zookeeper and Armeria read and write too: {@link io.lbkit.zookeeper.ZooKeeperSource}
 * feeds a {@link io.lbkit.discovery.Discovery} binder, {@link
 * io.lbkit.zookeeper.ZooKeeperRegistration} lists a server there while it lives, and {@link
 * io.lbkit.zookeeper.ZooKeeperFleet} lists a client in its fleet and tells it its position, for
 * {@code Strategies.subset(size, fleet, delegate)} to spread the fleet over the servers.
 */
package io.lbkit.zookeeper;
