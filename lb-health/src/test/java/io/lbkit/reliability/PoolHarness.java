package io.lbkit.reliability;

import io.lbkit.Attempt;
import io.lbkit.internal.TrackedAttempt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.lbkit.testing.ManualTicker;
import io.lbkit.NoServerAvailableException;
import io.lbkit.NoServerAvailableException.Reason;
import io.lbkit.PoolSnapshot;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.health.EjectionReason;
import io.lbkit.health.ConsecutiveFailures;
import io.lbkit.health.EjectionLimits;
import io.lbkit.health.FailurePercentage;
import io.lbkit.health.HealthConfig;
import io.lbkit.health.Panic;
import io.lbkit.health.SuccessRate;
import io.lbkit.health.HealthListener;
import io.lbkit.health.HealthMonitor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Runs a generated action sequence single-threaded against a pool, a {@link HealthMonitor} on a
 * manual ticker and a selector, and checks guarantees 1, 2, 3 and 7 after every step:
 *
 * <ol>
 *   <li>a choice is never null and is the current member with that id, as it is now;
 *   <li>without panic a choice is available; in panic its breaker is not open; never drained;
 *       a request is refused only when every server the monitor would offer is excluded;
 *   <li>at every passive ejection, the ejected servers, counting the new one, are within
 *       max-ejection-percent (or it is the only one and one is always allowed);
 *   <li>once the grace period has passed since the last membership change, state entries equal
 *       the pool size.
 * </ol>
 */
final class PoolHarness implements AutoCloseable {
  static final Duration GRACE = Duration.ofSeconds(30);
  static final Duration BASE_EJECTION = Duration.ofSeconds(5);
  static final Duration MAX_EJECTION = Duration.ofSeconds(20);

  private final String strategyName;
  private final double maxEjectionPercent;
  private final boolean allowOne;
  final ManualTicker ticker = new ManualTicker();
  final ServerPool pool;
  final HealthMonitor monitor;
  final Selector selector;
  /** Passive ejections as the listener heard them: id -> ticker time the ejection ends. */
  private final Map<String, Long> ejectedUntil = new HashMap<>();
  private final List<String> violations = new ArrayList<>();
  private long lastMembershipChange;
  int choices;
  int ejections;
  boolean panicSeen;

  PoolHarness(EveryStrategy.Named strategy, PoolSpec initial, double maxEjectionPercent,
      boolean allowOne, double panicThreshold) {
    this.strategyName = strategy.name();
    this.maxEjectionPercent = maxEjectionPercent;
    this.allowOne = allowOne;
    this.pool = ServerPool.of(initial.servers());
    HealthConfig.Builder config = HealthConfig.builder()
        .consecutiveFailures(ConsecutiveFailures.of(3))
        .circuitBreaker(CircuitBreakerConfig.custom()
            .slidingWindowSize(4)
            .minimumNumberOfCalls(4)
            .failureRateThreshold(75)
            .waitDurationInOpenState(Duration.ofSeconds(10))
            .permittedNumberOfCallsInHalfOpenState(2)
            .build())
        .successRate(SuccessRate.builder().requestVolume(5).minimumHosts(3).build())
        .failurePercentage(FailurePercentage.builder()
            .requestVolume(5).minimumHosts(3).thresholdPercent(60).build())
        .ejection(EjectionLimits.builder()
            .baseTime(BASE_EJECTION)
            .maxTime(MAX_EJECTION)
            .maxPercent(maxEjectionPercent)
            .alwaysAllowOne(allowOne)
            .build())
        .stateGracePeriod(GRACE);
    if (panicThreshold > 0) {
      config.panic(Panic.below(panicThreshold));
    } else {
      config.noPanic();
    }
    this.monitor = HealthMonitor.builder(pool).config(config.build()).ticker(ticker)
        .random(RandomSource.seeded(17))
        .listener(new HealthListener() {
          @Override
          public void onEjected(Server server, EjectionReason reason, Duration duration) {
            onPassiveEjection(server, reason, duration);
          }
        })
        .build();
    this.selector = Selector.builder(pool).strategy(strategy.strategy()).tracker(monitor)
        .random(RandomSource.seeded(23)).build();
  }

  void apply(PoolAction action) {
    if (action instanceof PoolAction.Update u) {
      PoolSnapshot before = pool.snapshot();
      pool.update(u.spec().servers());
      if (pool.snapshot() != before) {
        lastMembershipChange = ticker.read();
      }
    } else if (action instanceof PoolAction.UpdateWithDuplicate d) {
      updateWithDuplicate(d);
    } else if (action instanceof PoolAction.Fail f) {
      Server s = member(f.index());
      for (int i = 0; s != null && i < f.times(); i++) {
        Attempt a = TrackedAttempt.tryStart(monitor, s);
        if (a != null) {
          a.failure(new RuntimeException("injected"));
        }
      }
    } else if (action instanceof PoolAction.Succeed s) {
      Server m = member(s.index());
      for (int i = 0; m != null && i < s.times(); i++) {
        Attempt a = TrackedAttempt.tryStart(monitor, m);
        if (a != null) {
          a.success();
        }
      }
    } else if (action instanceof PoolAction.Advance a) {
      ticker.advance(Duration.ofSeconds(a.seconds()));
      monitor.tick();
      if (ticker.read() - lastMembershipChange > GRACE.toNanos()) {
        assertThat(monitor.stateSize()).as("state entries a grace period after the last change")
            .isEqualTo(pool.servers().size());
      }
    } else if (action instanceof PoolAction.Choose c) {
      choose(c);
    }
    assertThat(violations).as("max-ejection-percent violations").isEmpty();
    // Every step ends with a plain choice checked, whatever the step was.
    choose(new PoolAction.Choose(1, 0, 0, false));
  }

  /** Ends the sequence: after the grace period, one state entry per member. */
  void finish() {
    ticker.advance(GRACE.plus(MAX_EJECTION).plusSeconds(1));
    monitor.tick();
    assertThat(monitor.stateSize()).as("state entries after the grace period")
        .isEqualTo(pool.servers().size());
    assertThat(violations).isEmpty();
  }

  private Server member(int index) {
    List<Server> servers = pool.servers();
    return servers.isEmpty() ? null : servers.get(Math.floorMod(index, servers.size()));
  }

  private void updateWithDuplicate(PoolAction.UpdateWithDuplicate d) {
    List<Server> content = new ArrayList<>(d.spec().servers());
    if (content.isEmpty()) {
      return;
    }
    Server original = content.get(Math.floorMod(d.at(), content.size()));
    Server twin = Server.builder("192.0.2.1", 1).id(original.id()).build();
    int at = Math.floorMod(d.at() * 31 + 7, content.size() + 1);
    content.add(at, twin);
    int second = Math.max(at, content.indexOf(original));
    PoolSnapshot before = pool.snapshot();
    assertThatThrownBy(() -> pool.update(content))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("servers[" + second + "].id: \"" + original.id()
            + "\" (expected: unique within the pool)");
    assertThat(pool.snapshot()).isSameAs(before);
  }

  private void choose(PoolAction.Choose c) {
    PoolSnapshot snapshot = pool.snapshot();
    SplittableRandom r = new SplittableRandom(c.seed());
    Request.Builder b = Request.builder();
    if (c.keyed()) {
      b.key(r.nextLong());
    }
    for (int i = 0; i < c.maxExcluded() && !snapshot.isEmpty(); i++) {
      b.exclude(snapshot.get(r.nextInt(snapshot.size())));
    }
    Request request = b.build();
    boolean panic = monitor.isPanicking();
    panicSeen |= panic;
    for (int i = 0; i < c.count(); i++) {
      choices++;
      Server s;
      try {
        s = selector.choose(request);
      } catch (NoServerAvailableException e) {
        checkRefusal(snapshot, request, panic, e);
        continue;
      }
      assertThat(s).as("choice").isNotNull();
      assertThat(snapshot.byId(s.id())).as("%s: the member with the chosen id", strategyName)
          .isEqualTo(s);
      assertThat(s.weight()).as("weight of %s", s).isPositive();
      assertThat(request.excludes(s)).as("%s chose excluded %s", strategyName, s).isFalse();
      assertThat(blockedByBreaker(s)).as("%s chose %s with an open breaker", strategyName, s)
          .isFalse();
      if (!panic) {
        assertThat(monitor.isAvailable(s)).as("%s chose unavailable %s without panic",
            strategyName, s).isTrue();
      }
    }
  }

  private void checkRefusal(PoolSnapshot snapshot, Request request, boolean panic,
      NoServerAvailableException e) {
    int weighted = 0;
    int offered = 0;
    Server choosable = null;
    for (Server s : snapshot.servers()) {
      if (s.weight() <= 0) {
        continue;
      }
      weighted++;
      boolean offer = panic ? !blockedByBreaker(s) : monitor.isAvailable(s);
      if (offer) {
        offered++;
        if (!request.excludes(s) && choosable == null) {
          choosable = s;
        }
      }
    }
    Reason expected = snapshot.isEmpty() ? Reason.EMPTY_POOL
        : weighted == 0 ? Reason.ALL_DRAINED
            : offered == 0 ? Reason.ALL_EJECTED : Reason.ALL_EXCLUDED;
    if (expected == Reason.ALL_EXCLUDED && EveryStrategy.confinesToSubset(strategyName)
        && request.hasExclusions()) {
      assertThat(e.reason()).isEqualTo(Reason.ALL_EXCLUDED); // the subset may be all excluded
      return;
    }
    if (choosable != null) {
      fail(strategyName + " refused (" + e.getMessage() + ") although " + choosable
          + " was choosable; panic=" + panic + ", " + request);
    }
    assertThat(e.reason()).as("%s refusal reason", strategyName).isEqualTo(expected);
  }

  private boolean blockedByBreaker(Server s) {
    CircuitBreaker b = monitor.circuitBreaker(s);
    if (b == null) {
      return false;
    }
    CircuitBreaker.State state = b.getState();
    return state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN;
  }

  /** Guarantee 3, checked at the moment of each passive ejection. */
  private void onPassiveEjection(Server server, EjectionReason reason, Duration duration) {
    if (reason == EjectionReason.ACTIVE_CHECK) {
      return;
    }
    ejections++;
    long now = ticker.read();
    int total = 0;
    int ejectedBefore = 0;
    for (Server s : pool.servers()) {
      if (s.weight() <= 0) {
        continue;
      }
      total++;
      Long until = ejectedUntil.get(s.id());
      if (!s.id().equals(server.id()) && until != null && until > now) {
        ejectedBefore++;
      }
    }
    boolean within = (ejectedBefore + 1) * 100.0 <= maxEjectionPercent * total
        || (allowOne && ejectedBefore == 0);
    if (!within) {
      violations.add(server.id() + " ejected (" + reason + ") with " + ejectedBefore + " of "
          + total + " already ejected, max " + maxEjectionPercent + "%");
    }
    ejectedUntil.put(server.id(), now + duration.toNanos());
  }

  @Override
  public void close() {
    selector.close();
    monitor.close();
  }
}
