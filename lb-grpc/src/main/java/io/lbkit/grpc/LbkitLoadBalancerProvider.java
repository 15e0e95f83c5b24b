package io.lbkit.grpc;

import io.grpc.CallOptions;
import io.grpc.LoadBalancer;
import io.grpc.LoadBalancerProvider;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Scheduler;
import io.lbkit.ServerPool;
import io.lbkit.Strategy;
import io.lbkit.Ticker;
import io.lbkit.health.HealthConfig;
import io.lbkit.health.HealthListener;
import io.lbkit.internal.Checks;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code lbkit} load-balancing policy: lbkit's strategy and health tracking inside a gRPC
 * channel. Register it, then name it as the channel's policy:
 *
 * <pre>{@code
 * LbkitLoadBalancerProvider policy = LbkitLoadBalancerProvider.builder()
 *     .strategy(Strategies.peakEwma())
 *     .health(HealthConfig.defaults())
 *     .build();
 * LoadBalancerRegistry.getDefaultRegistry().register(policy);
 * ManagedChannel ch = ManagedChannelBuilder.forTarget("lbkit:///inventory")
 *     .defaultLoadBalancingPolicy("lbkit")
 *     .usePlaintext()
 *     .build();
 * }</pre>
 *
 * <p>Each channel gets its own balancer: one subchannel per resolved address group, the READY
 * subchannels as the members of an lbkit {@link ServerPool} (a subchannel that is connecting or
 * failing is no candidate), and an {@link io.lbkit.failover.LoadBalancer} over it with this
 * provider's strategy and {@link HealthConfig}. Every pick is lbkit's lock-free choice; every
 * stream is recorded through a {@link io.grpc.ClientStreamTracer}: its in-flight count from the
 * stream's start, then exactly one end at {@code streamClosed}: {@code OK} a success, {@code
 * CANCELLED} a cancel (neither for nor against the server), a {@linkplain Builder#failureCodes
 * failure code} a failure with its latency, any other code a success (the server answered). So
 * peak EWMA and least-loaded strategies see gRPC's load, outlier detection ejects failing
 * servers, panic keeps traffic flowing when too many are ejected, and slow start ramps up a
 * server added to the channel later, or back after its subchannel failed (the servers of the
 * first address list start at full weight, as a pool's initial members do). Retries stay gRPC's (its retry policy and transparent
 * retries); the balancer's failover mode is fail-fast.
 *
 * <p>When nothing can be chosen (all ejected with panic off), picks fail with UNAVAILABLE and
 * lbkit's reason; calls that wait for ready wait instead, and pick again after the next health
 * change. A call may carry a {@link Request} (hash key, exclusions) in its {@link #REQUEST} call
 * option, for hashing strategies.
 *
 * <p>The policy's service-config JSON is accepted and ignored: the settings are this provider's,
 * given in code.
 *
 * <p>Threading: thread-safe. Each balancer runs on its channel's synchronization context, which
 * also rebuilds lbkit's pickers after health changes; its timers (health ticks, slow-start steps)
 * run on the channel's scheduled executor unless a {@link Builder#scheduler scheduler} is given.
 * No thread is started.
 */
public final class LbkitLoadBalancerProvider extends LoadBalancerProvider {
  /** The policy name by default, for {@code defaultLoadBalancingPolicy}. */
  public static final String DEFAULT_POLICY_NAME = "lbkit";
  /** The priority in gRPC's registry by default (the built-in policies use 5). */
  public static final int DEFAULT_PRIORITY = 5;
  /**
   * The statuses counted as the server's failure by default: {@code UNAVAILABLE}, {@code
   * DEADLINE_EXCEEDED}, {@code INTERNAL}, {@code UNKNOWN}, {@code RESOURCE_EXHAUSTED} and {@code
   * DATA_LOSS}, the codes gRPC maps HTTP 5xx, 429 and broken streams to.
   */
  public static final Set<Status.Code> DEFAULT_FAILURE_CODES = Set.copyOf(EnumSet.of(
      Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED, Status.Code.INTERNAL,
      Status.Code.UNKNOWN, Status.Code.RESOURCE_EXHAUSTED, Status.Code.DATA_LOSS));
  /**
   * A call's lbkit request (its hash key, the servers to exclude), for example {@code
   * stub.withOption(REQUEST, Request.withKey("user-42"))}; absent, {@link Request#NONE}.
   */
  public static final CallOptions.Key<Request> REQUEST = CallOptions.Key.create("io.lbkit.request");

  private static final Logger log = LoggerFactory.getLogger(LbkitLoadBalancerProvider.class);

  private final String policyName;
  private final int priority;
  private final Strategy strategy;
  private final HealthConfig health;
  private final Ticker ticker;
  private final RandomSource random;
  private final Scheduler scheduler;
  private final Set<Status.Code> failureCodes;
  private final List<HealthListener> listeners;
  private final Consumer<? super io.lbkit.failover.LoadBalancer> onCreated;

  private LbkitLoadBalancerProvider(Builder b) {
    this.policyName = b.policyName;
    this.priority = b.priority;
    this.strategy = b.strategy;
    this.health = b.health;
    this.ticker = b.ticker;
    this.random = b.random;
    this.scheduler = b.scheduler;
    this.failureCodes = Set.copyOf(b.failureCodes);
    this.listeners = List.copyOf(b.listeners);
    this.onCreated = b.onCreated;
  }

  /** {@return a builder: policy {@code lbkit}, default health, a strategy still to set} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A balancer for one channel.
   *
   * @param helper the channel's helper
   * @return the balancer
   */
  @Override
  public LoadBalancer newLoadBalancer(LoadBalancer.Helper helper) {
    return new LbkitLoadBalancer(helper, this);
  }

  @Override
  public boolean isAvailable() {
    return true;
  }

  @Override
  public int getPriority() {
    return priority;
  }

  @Override
  public String getPolicyName() {
    return policyName;
  }

  /**
   * Accepts any config and keeps nothing from it: the settings are the provider's.
   *
   * @param rawConfig the policy's JSON object from the service config
   * @return the config, unused
   */
  @Override
  public NameResolver.ConfigOrError parseLoadBalancingPolicyConfig(Map<String, ?> rawConfig) {
    return NameResolver.ConfigOrError.fromConfig(policyName);
  }

  io.lbkit.failover.LoadBalancer newBalancer(ServerPool pool, LoadBalancer.Helper helper) {
    Scheduler s = scheduler != null ? scheduler
        : Scheduler.of(helper.getScheduledExecutorService());
    io.lbkit.failover.LoadBalancer.Builder b = io.lbkit.failover.LoadBalancer.builder(pool)
        .strategy(strategy)
        .health(health)
        .ticker(ticker)
        .random(random)
        .scheduler(s)
        // fail-fast runs nothing on the executor; rebuilds after health changes join the
        // channel's serial write path
        .executor(helper.getSynchronizationContext())
        .rebuildExecutor(helper.getSynchronizationContext());
    for (HealthListener l : listeners) {
      b.healthListener(l);
    }
    return b.build();
  }

  boolean[] failureTable() {
    return StreamOutcomes.table(failureCodes);
  }

  void created(io.lbkit.failover.LoadBalancer lb) {
    try {
      onCreated.accept(lb);
    } catch (RuntimeException e) {
      log.warn("onCreated callback {} failed for {}", onCreated, lb, e);
    }
  }

  /** Configures a {@link LbkitLoadBalancerProvider}. */
  public static final class Builder {
    private String policyName = DEFAULT_POLICY_NAME;
    private int priority = DEFAULT_PRIORITY;
    private Strategy strategy;
    private HealthConfig health = HealthConfig.defaults();
    private Ticker ticker = Ticker.system();
    private RandomSource random = RandomSource.threadLocal();
    private Scheduler scheduler;
    private Set<Status.Code> failureCodes = DEFAULT_FAILURE_CODES;
    private final List<HealthListener> listeners = new ArrayList<>();
    private Consumer<? super io.lbkit.failover.LoadBalancer> onCreated = lb -> {};

    private Builder() {}

    /**
     * The selection algorithm; required.
     *
     * @param strategy for example {@code Strategies.peakEwma()} from lb-strategies
     * @return this builder
     * @throws NullPointerException if {@code strategy} is null
     */
    public Builder strategy(Strategy strategy) {
      this.strategy = Checks.notNull(strategy, "strategy");
      return this;
    }

    /**
     * Health tracking: ejection, panic, slow start; {@link HealthConfig#defaults()} by default.
     *
     * @param health the config every channel's balancer uses
     * @return this builder
     * @throws NullPointerException if {@code health} is null
     */
    public Builder health(HealthConfig health) {
      this.health = Checks.notNull(health, "health");
      return this;
    }

    /**
     * The clock for latencies, ejection times and slow start; the system ticker by default.
     * Tests pass a manual ticker, with a {@link #scheduler} that follows it.
     *
     * @param ticker the clock
     * @return this builder
     * @throws NullPointerException if {@code ticker} is null
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = Checks.notNull(ticker, "ticker");
      return this;
    }

    /**
     * The randomness of the pickers and of health jitter; {@link RandomSource#threadLocal()} by
     * default.
     *
     * @param random the source
     * @return this builder
     * @throws NullPointerException if {@code random} is null
     */
    public Builder random(RandomSource random) {
      this.random = Checks.notNull(random, "random");
      return this;
    }

    /**
     * The timers of every channel's balancer (health ticks, slow-start steps); by default each
     * channel's own scheduled executor ({@code Helper.getScheduledExecutorService()}).
     *
     * @param scheduler the timers; never closed by the provider
     * @return this builder
     * @throws NullPointerException if {@code scheduler} is null
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Checks.notNull(scheduler, "scheduler");
      return this;
    }

    /**
     * The status codes that count against the server; {@link #DEFAULT_FAILURE_CODES} by default.
     * {@code OK} is always a success and {@code CANCELLED} always a cancel.
     *
     * @param codes the failure codes; neither {@code OK} nor {@code CANCELLED}
     * @return this builder
     * @throws NullPointerException if {@code codes} or one of them is null
     * @throws IllegalArgumentException if it holds {@code OK} or {@code CANCELLED}
     */
    public Builder failureCodes(Set<Status.Code> codes) {
      Checks.notNull(codes, "failureCodes");
      for (Status.Code c : codes) {
        Checks.notNull(c, "failureCodes[]");
        Checks.argument(c != Status.Code.OK && c != Status.Code.CANCELLED, "failureCodes", c,
            "neither OK nor CANCELLED");
      }
      this.failureCodes = Set.copyOf(codes);
      return this;
    }

    /**
     * Adds a listener for every channel's health events (ejections, restorations, panic).
     *
     * @param listener the listener
     * @return this builder
     * @throws NullPointerException if {@code listener} is null
     */
    public Builder healthListener(HealthListener listener) {
      listeners.add(Checks.notNull(listener, "healthListener"));
      return this;
    }

    /**
     * Called with each channel's lbkit balancer when the channel creates it, on the channel's
     * synchronization context: to read its {@linkplain io.lbkit.failover.LoadBalancer#tracker()
     * tracker}'s stats or export metrics. The balancer is the channel's: do not close it. What the
     * callback throws is logged.
     *
     * @param callback the callback
     * @return this builder
     * @throws NullPointerException if {@code callback} is null
     */
    public Builder onCreated(Consumer<? super io.lbkit.failover.LoadBalancer> callback) {
      this.onCreated = Checks.notNull(callback, "onCreated");
      return this;
    }

    /**
     * The name channels select the policy by; {@value #DEFAULT_POLICY_NAME} by default.
     *
     * @param name a policy name, not blank
     * @return this builder
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if it is blank
     */
    public Builder policyName(String name) {
      this.policyName = Checks.notBlank(name, "policyName");
      return this;
    }

    /**
     * The priority in gRPC's registry, {@value #DEFAULT_PRIORITY} by default (the highest wins a
     * policy name).
     *
     * @param priority 0..10, as gRPC requires
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder priority(int priority) {
      Checks.argument(priority >= 0 && priority <= 10, "priority", priority, "0..10");
      this.priority = priority;
      return this;
    }

    /**
     * Builds the provider.
     *
     * @return the provider, to register with {@code LoadBalancerRegistry}
     * @throws IllegalStateException if no strategy was set
     */
    public LbkitLoadBalancerProvider build() {
      Checks.state(strategy != null, "strategy", null,
          "set before build(), e.g. Strategies.peakEwma() from lb-strategies");
      return new LbkitLoadBalancerProvider(this);
    }
  }
}
