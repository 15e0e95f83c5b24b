/**
 * Health tracking for lbkit: {@link io.lbkit.health.HealthMonitor}, a {@link
 * io.lbkit.HealthTracker} that ejects, checks, restores and ramps servers as a {@link
 * io.lbkit.health.HealthConfig} says. The config is one immutable group per feature ({@link
 * io.lbkit.health.ConsecutiveFailures}, {@link io.lbkit.health.SuccessRate}, {@link
 * io.lbkit.health.FailurePercentage}, {@link io.lbkit.health.LatencyEjection}, {@link
 * io.lbkit.health.EjectionLimits}, a resilience4j breaker config, {@link
 * io.lbkit.health.ActiveChecks}, {@link io.lbkit.health.SlowStart}, {@link
 * io.lbkit.health.Panic}); an absent group is off.
 *
 * <h2>Overview</h2>
 *
 * <ul>
 *   <li>{@link io.lbkit.health.HealthMonitor}: the tracker of one pool, built by {@code
 *       HealthMonitor.builder(pool)} from a config and the runtime objects (ticker, randomness,
 *       scheduler, listeners, breaker registry). A {@code LoadBalancer} builds and owns its own.
 *       Selectors report to it through their attempts and compile their candidates from it.
 *   <li>{@link io.lbkit.health.HealthConfig} and its groups: immutable settings, validated when
 *       built; one config may serve any number of monitors.
 *   <li>{@link io.lbkit.health.HealthListener}: told of every ejection (an {@link
 *       io.lbkit.health.EjectionReason} says why), restoration, breaker move, panic change, failed
 *       check and completed drain.
 *   <li>{@link io.lbkit.health.HealthCheck}: one active probe of a server; {@link
 *       io.lbkit.health.HttpHealthCheck} makes HTTP GET ones on {@code java.net.http}.
 * </ul>
 *
 * <h2>Read path and write path</h2>
 *
 * <p>Picks never read the monitor: they read the pickers their selectors built from its
 * candidates. A state change (an ejection, its end, a check result, a breaker move, a slow-start
 * step) is made under the monitor's lock and then announced, after the lock is released, to the
 * change listeners: the selectors, which mark their picker dirty. A selector compiles fresh
 * candidates ({@code candidates(...)}, under the lock) and publishes a new picker on its own
 * write path: on its rebuild executor if it has one (a {@code LoadBalancer}'s executor, so the
 * call whose outcome ejected a server does not pay for the rebuild), else on the announcing
 * thread. {@code isAvailable} reads the ticker, so it is exact at any moment; the pickers follow
 * at the next rebuild.
 *
 * <h2>Threading</h2>
 *
 * <ul>
 *   <li>Outcome reports ({@code onStart}, {@code onSuccess}, {@code onFailure}, {@code
 *       onCancel}) and {@code tryAcquirePermission}: any thread. They update atomics and the
 *       breaker, and take the lock only for a transition; a failure streak ejects on the
 *       reporting thread.
 *   <li>Clock-driven work ({@code tick()}: interval evaluation, ejection ends, OPEN to HALF_OPEN,
 *       slow-start steps, expiry of departed state): one tick scheduled on the scheduler for
 *       exactly the next due time, or run by an outcome report that finds it due. No polling.
 *   <li>Active checks: started on the scheduler, which the check must not block; results are
 *       handled on whichever thread completes the check's stage.
 *   <li>Listeners: on the thread that made the transition, after the lock is released; what
 *       they throw is logged and changes nothing.
 *   <li>{@code close()}: stops every scheduled tick and check and the monitor's own thread.
 * </ul>
 *
 * <h2>Where each decision lives</h2>
 * <ul>
 *   <li>{@code ServerHealth}: the per-server state machine; every transition (eject, ejection
 *       end, check passed or failed, breaker moved, ramp begun or stepped, drain seen) is a
 *       method that says what changed.
 *   <li>{@code Ejector}: pure ejection policy (streak threshold, interval outliers,
 *       max-ejection-percent, ejection length); no state of its own.
 *   <li>{@link io.lbkit.health.Panic#test} and {@code SlowStart.factor}: the panic rule and the
 *       ramp curve, next to their settings.
 *   <li>{@code Clockwork}: the interval's time and what falls due when; {@code Membership}: pool
 *       membership and the grace period; {@code Breakers}: the registry and the wait ends.
 * </ul>
 *
 * <h2>Decisions</h2>
 * <ul>
 *   <li>Passive ejection follows Envoy's outlier detection: consecutive failures at once on the
 *       caller's thread; success rate and failure percentage per interval over the interval's
 *       counts; ejection time base × k capped, k falling by one per interval spent wholly out of
 *       ejection. Max-ejection-percent counts the server about to be ejected; the first ejection
 *       is always allowed by default (Envoy's documented behaviour), switchable off.
 *   <li>Latency ejection (no peer has it): a server whose min(EWMA latency now, mean latency over
 *       the interval) exceeds factor × the median of the same figure over servers with enough
 *       requests. Both must be high, so a single spike does not eject.
 *   <li>The interval counts and the throughput are read from the cumulative counters of the core
 *       load metrics (differences since the last evaluation, marks per time bucket), so the
 *       outcome path writes no per-call counter of its own.
 *   <li>Availability is computed from the ticker on every read, so ejection ends are exact; the
 *       pickers follow at the next {@link io.lbkit.health.HealthMonitor#tick()}, scheduled for
 *       exactly that time (and run by outcome reports when due).
 *   <li>Circuit breakers: one resilience4j breaker per server id, kept in a registry (the
 *       application's or the monitor's own, exposed for metrics binding) and on the monitor's
 *       ticker; in the monitor's own, made when first needed ({@code Breakers.of}). OPEN and FORCED_OPEN servers are never candidates, not even in panic; HALF_OPEN
 *       ones are, and their probe permits are taken only by {@code tryAcquirePermission} for the
 *       server actually chosen. An OPEN breaker is moved to HALF_OPEN by a tick scheduled at the
 *       end of its wait; a breaker that closes again after its probes ramps its server up. Every
 *       move reaches {@link io.lbkit.health.HealthListener#onBreakerStateChanged}.
 *   <li>Active checks start out healthy (no traffic is held back before the first check); fall
 *       failures in a row take a server out, rise passes in a row bring it back and also end a
 *       passive ejection early. A server whose passive ejection ends while its checks fail stays
 *       out until rise passes.
 *   <li>Slow start applies to servers that join after the monitor was created and to recovered
 *       ones, through {@link io.lbkit.spi.Candidates#ramp}; initial members start at full weight.
 *   <li>Panic: available share (of servers with weight above 0) strictly below the threshold.
 *   <li>A server that leaves the pool keeps, in a Caffeine cache (expire after write = grace
 *       period, on the monitor's ticker), only what a return in time must find again: its
 *       passive ejection and multiplier, failing checks, a breaker that is not closed. A server
 *       that left healthy keeps nothing; its load metrics go once no call is in flight on it.
 * </ul>
 */
package io.lbkit.health;
