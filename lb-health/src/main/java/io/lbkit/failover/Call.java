package io.lbkit.failover;

import io.lbkit.Server;

/**
 * One attempt of a blocking call against a chosen server, for {@link LoadBalancer#execute}. It may
 * run more than once (on different servers) under a failover mode, and under {@code forking} or
 * {@code hedged} on a pool thread, where it is interrupted when another copy wins.
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface Call<T> {
  T call(Server server) throws Exception;
}
