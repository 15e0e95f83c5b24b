package io.lbkit.health;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.lbkit.Server;
import java.time.Duration;

/**
 * Told about health transitions. Every method has an empty default, so a listener overrides only
 * what it needs. Called synchronously on the thread that made the transition (an outcome
 * reporter, the scheduler, a pool updater), after the monitor's lock is released; it should return
 * quickly, and must not update the pool synchronously (panic events are delivered while a
 * selector rebuilds its picker). An exception thrown here is caught and logged and changes
 * nothing.
 */
public interface HealthListener {

  /**
   * {@code server} was taken out of rotation.
   *
   * @param server the ejected server
   * @param reason which detector ejected it
   * @param duration how long the ejection lasts; zero for an active-check ejection, which lasts
   *     until {@code rise} checks pass
   */
  default void onEjected(Server server, EjectionReason reason, Duration duration) {}

  /**
   * {@code server} is back in rotation (its ejection ended or its checks passed again).
   *
   * @param server the restored server
   */
  default void onRestored(Server server) {}

  /**
   * The available share fell below the panic threshold: all servers are chosen from.
   *
   * @param available weighted servers available when panic began
   * @param total weighted servers in the pool
   */
  default void onPanicEntered(int available, int total) {}

  /**
   * The available share is back at or above the panic threshold.
   *
   * @param available weighted servers available when panic ended
   * @param total weighted servers in the pool
   */
  default void onPanicLeft(int available, int total) {}

  /**
   * One active check of {@code server} failed.
   *
   * @param server the checked server
   * @param cause the error or timeout, or null when the check answered "unhealthy"
   */
  default void onCheckFailed(Server server, Throwable cause) {}

  /**
   * {@code server} has weight 0 and its last in-flight call has ended.
   *
   * @param server the drained server
   */
  default void onDrained(Server server) {}

  /**
   * The circuit breaker of {@code server} moved from {@code from} to {@code to}: OPEN takes the
   * server out of rotation (panic or not), HALF_OPEN lets its probe calls in, CLOSED after
   * HALF_OPEN brings it back, ramping. Reported once per transition the monitor observes (a
   * breaker moved by the application is seen at its next call or tick).
   *
   * @param server the server whose breaker moved
   * @param from the state before
   * @param to the state now
   */
  default void onBreakerStateChanged(Server server, CircuitBreaker.State from,
      CircuitBreaker.State to) {}

  /**
   * The monitor let go of the state of {@code server}, which left the pool: at once when it left
   * with nothing a return would need (not ejected, no open breaker, no ejection history), else
   * once {@link HealthConfig#stateGracePeriod() the grace period} has passed without its
   * return (seen by the next tick or pool change). A server that returns first is not released.
   * What is kept per server elsewhere (metrics, meters) may go with it.
   *
   * @param server the departed server, as it was when it left
   */
  default void onReleased(Server server) {}
}
