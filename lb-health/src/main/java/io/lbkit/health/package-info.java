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
