package io.lbkit.failover;

import io.lbkit.Server;

/**
 * One attempt of a blocking call against a chosen server, for {@link LoadBalancer#execute}. It may
 * run more than once (on different servers) under a failover mode, and under {@code forking} or
 * {@code hedged} on a pool thread, where it is interrupted when another copy wins.
 *
 * <p>Generic in the checked exception it throws, so that {@code execute} throws exactly that: a
 * lambda whose client call throws {@code IOException} makes {@code execute} throw {@code
 * IOException}, and one that throws nothing checked makes it throw nothing checked.
 *
 * @param <T> the result type
 * @param <E> the checked exception the call may throw
 */
@FunctionalInterface
public interface Call<T, E extends Exception> {
  /**
   * Makes one attempt on {@code server}, blocking until it has an answer.
   *
   * @param server the server chosen for this attempt
   * @return the answer, which the classifier may still judge a failure (an HTTP 503)
   * @throws E when the attempt fails; classified, and maybe retried, by the failover mode
   */
  T call(Server server) throws E;
}
