/**
 * Health tracking (outlier detection, circuit breakers, active checks, slow start, panic) in
 * {@code io.lbkit.health}; failover modes and the {@code LoadBalancer} facade in
 * {@code io.lbkit.failover}.
 *
 * <p>Transitive where lbkit's API shows the other module's types: resilience4j's
 * {@code CircuitBreakerConfig} and {@code CircuitBreaker} in {@code HealthConfig} and
 * {@code HealthMonitor}, {@code RetryConfig} in {@code Failover.retry}, {@code
 * java.net.http.HttpClient} in {@code HttpHealthCheck}.
 */
module io.lbkit.health {
  requires transitive io.lbkit.core;
  requires transitive io.github.resilience4j.circuitbreaker;
  requires transitive io.github.resilience4j.retry;
  requires transitive java.net.http;
  requires io.github.resilience4j.core;
  requires com.github.benmanes.caffeine;
  requires org.slf4j;

  exports io.lbkit.health;
  exports io.lbkit.failover;
}
