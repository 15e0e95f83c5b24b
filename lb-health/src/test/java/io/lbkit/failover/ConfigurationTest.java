package io.lbkit.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.LoadTracker;
import io.lbkit.NoServerAvailableException;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.health.HealthConfig;
import io.lbkit.strategy.Strategies;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigurationTest {
  private final ServerPool pool = ServerPool.of(Server.of("10.0.0.1", 80));

  @Test
  void badModeSettingsFailAtTheFactoryNamingTheField() {
    assertThatThrownBy(() -> Failover.retry(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxAttempts: 0 (expected: >= 1)");
    assertThatThrownBy(() -> Failover.forking(0)).hasMessage("forking.n: 0 (expected: >= 1)");
    assertThatThrownBy(() -> Failover.hedged(Duration.ofMillis(-1)))
        .hasMessage("delay: PT-0.001S (expected: >= 0)");
    assertThatThrownBy(() -> Failover.hedged(Duration.ofMillis(5)).maxAttempts(0))
        .hasMessage("maxAttempts: 0 (expected: >= 1)");
    assertThatThrownBy(() -> Failover.hedgedAtPercentile(1.0, Duration.ofMillis(5)))
        .hasMessage("percentile: 1.0 (expected: in (0, 1))");
    assertThatThrownBy(() -> Failover.retry(3).backoff(Duration.ofMillis(-5),
        Duration.ofMillis(10))).hasMessage("backoff.initial: PT-0.005S (expected: >= 0)");
    assertThatThrownBy(() -> Failover.retry(3).backoff(Duration.ofMillis(50),
        Duration.ofMillis(10)))
        .hasMessage("backoff.max: PT0.01S (expected: >= backoff.initial PT0.05S)");
    assertThatThrownBy(() -> Failover.retry(3).jitter(1.5))
        .hasMessage("backoff.jitter: 1.5 (expected: in [0, 1])");
    assertThatThrownBy(() -> Failover.failBack(e -> null).maxPending(0))
        .hasMessage("maxPending: 0 (expected: >= 1)");
    assertThatThrownBy(() -> Failover.failBack(e -> null).maxRetries(0))
        .hasMessage("maxRetries: 0 (expected: >= 1)");
    assertThatThrownBy(() -> Failover.primaryBackup(0))
        .hasMessage("maxAttempts: 0 (expected: >= 1)");
    assertThatThrownBy(() -> Failover.readWrite(0))
        .hasMessage("readAttempts: 0 (expected: >= 1)");
  }

  @Test
  void buildWithoutStrategyNamesTheField() {
    assertThatThrownBy(() -> LoadBalancer.builder(pool).rebuildExecutor(Runnable::run).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("strategy: null (expected: set before build()");
  }

  @Test
  void healthAndTrackerTogetherAreRejected() {
    assertThatThrownBy(() -> LoadBalancer.builder(pool).rebuildExecutor(Runnable::run)
        .strategy(Strategies.roundRobin())
        .health(HealthConfig.defaults()).tracker(LoadTracker.create()).build())
        .hasMessageContaining("tracker:")
        .hasMessageContaining("either health(...) or tracker(...), not both");
  }

  @Test
  void closedBalancerChoosesNothing() throws Exception {
    LoadBalancer lb = LoadBalancer.builder(pool).rebuildExecutor(Runnable::run)
        .strategy(Strategies.roundRobin()).build();
    assertThat(lb.execute(Request.IDEMPOTENT, Server::id)).isEqualTo("10.0.0.1:80");
    lb.close();
    assertThatThrownBy(() -> lb.execute(Request.IDEMPOTENT, Server::id))
        .isInstanceOfSatisfying(NoServerAvailableException.class,
            e -> assertThat(e.reason()).isEqualTo(NoServerAvailableException.Reason.CLOSED));
  }
}
