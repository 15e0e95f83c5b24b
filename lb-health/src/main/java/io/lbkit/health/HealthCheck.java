package io.lbkit.health;

import io.lbkit.Server;
import java.util.concurrent.CompletionStage;

/**
 * An active check (heartbeat) of one server: completes with {@code true} when the server is
 * healthy. A stage that completes with {@code false} or {@code null}, completes exceptionally, is
 * not complete within the configured timeout, or a check that throws, all count as one failed
 * check; none of them stops later checks.
 *
 * <p>Called from the monitor's scheduler thread; it must not block (start the probe and return
 * its stage). See {@link HttpHealthCheck} for an HTTP GET check on {@code java.net.http}.
 */
@FunctionalInterface
public interface HealthCheck {
  /**
   * Starts one check of {@code server} and returns without waiting for it.
   *
   * @param server the pool member to probe
   * @return a stage that completes with {@code true} when the server is healthy
   */
  CompletionStage<Boolean> check(Server server);
}
