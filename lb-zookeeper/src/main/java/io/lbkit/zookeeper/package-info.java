/**
 * ZooKeeper as a source of servers, in the layout of Apache Curator's service discovery
 * ({@code <basePath>/<service>/<instance id>}, one JSON document per instance), which Spring
 * Cloud Zookeeper and Armeria read and write too: {@link io.lbkit.zookeeper.ZooKeeperSource}
 * feeds a {@link io.lbkit.discovery.Discovery} binder, {@link
 * io.lbkit.zookeeper.ZooKeeperRegistration} lists a server there while it lives.
 */
package io.lbkit.zookeeper;
