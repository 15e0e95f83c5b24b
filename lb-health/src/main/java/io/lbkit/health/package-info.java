/**
 * Health tracking for lbkit: {@link io.lbkit.health.HealthMonitor}, a {@link io.lbkit.LoadTracker}
 * that ejects, checks, restores and ramps servers as a {@link io.lbkit.health.HealthConfig} says.
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
 *   <li>Availability is computed from the ticker on every read, so ejection ends are exact; the
 *       pickers follow at the next {@link io.lbkit.health.HealthMonitor#tick()}, scheduled for
 *       exactly that time (and run by outcome reports when due).
 *   <li>Circuit breakers: one resilience4j breaker per server id whose clock is the monitor's
 *       ticker. OPEN and FORCED_OPEN servers are never candidates, not even in panic; HALF_OPEN
 *       ones are, and their probe permits are taken only by {@code tryAcquirePermission} for the
 *       server actually chosen. The tick moves OPEN breakers to HALF_OPEN when their wait is over;
 *       a breaker that closes again after its probes ramps its server up (slow start).
 *   <li>Active checks start out healthy (no traffic is held back before the first check); fall
 *       failures in a row take a server out, rise passes in a row bring it back and also end a
 *       passive ejection early. A server whose passive ejection ends while its checks fail stays
 *       out until rise passes.
 *   <li>Slow start applies to servers that join after the monitor was created and to recovered
 *       ones, through {@link io.lbkit.spi.Candidates#ramp}; initial members start at full weight.
 *   <li>Panic: available share (of servers with weight above 0) strictly below the threshold.
 *   <li>Per-server state moves to a Caffeine cache (expire after write = grace period, on the
 *       monitor's ticker) when its server leaves the pool, and comes back from it if the server
 *       returns in time; the load metrics are released with it once nothing is in flight.
 * </ul>
 */
package io.lbkit.health;
