/**
 * The selection algorithms, one class each, all reached through {@link
 * io.lbkit.strategy.Strategies}; {@link io.lbkit.strategy.ConsistentHashConfig} and {@link
 * io.lbkit.strategy.ZoneAwareConfig} hold the settings of the two that take more than a number.
 *
 * <h2>Overview</h2>
 *
 * <ul>
 *   <li>Rotation and chance: {@code roundRobin()}, {@code random()}, {@code
 *       weightedRoundRobin()} (nginx's smooth order), {@code weightedRandom()} (an alias table).
 *   <li>Load: {@code leastConnections()}, {@code weightedLeastConnections()}, {@code
 *       powerOfTwoChoices()} and {@code peakEwma()} compare the in-flight counts and latencies
 *       the selector's tracker records (any {@code HealthTracker}, a plain {@code LoadTracker}
 *       included).
 *   <li>Key affinity: {@code hash()}, {@code consistentHash()} (a ketama ring, optionally with
 *       bounded loads), {@code maglev()} and {@code rendezvous()} map {@code
 *       Request.keyHash()} to a server; a request without a key gets a random one.
 *   <li>Wrappers: {@code zoneAware(zone, delegate)} keeps calls in the local zone while enough
 *       of it is available, {@code subset(size, clientId, delegate)} confines this client to a
 *       deterministic subset, {@code subset(size, fleet, delegate)} to its window of the ring
 *       of servers (deterministic aperture: exactly equal load per server across the fleet,
 *       re-spread when the fleet changes); the delegate picks within.
 * </ul>
 *
 * <h2>Read path and write path</h2>
 *
 * <p>A strategy is immutable and may serve any number of selectors. Each selector calls its
 * {@code newPicker} on its write path, one thread at a time, whenever the candidates change (a
 * pool update, an ejection, a restoration, a slow-start step); that is where every table, ring
 * and schedule is built, reusing the previous picker's where it can (a rotation carries on, a
 * ring rebuilt only for health reuses its sorted points). The picker it returns answers {@code
 * choose()} from any number of threads without locks or allocation: array reads, atomic
 * counters, volatile reads of the load. A change the strategy does not read (a slow-start step
 * under a key-affinity strategy, see {@code Strategy.usesRamp()}) publishes no new picker.
 *
 * <h2>Common rules</h2>
 *
 * <ul>
 *   <li>Every picker honours the request's exclusions (servers a failover already tried) and
 *       never returns a drained server (weight 0): the tracker leaves those out of the candidates.
 *       When the request excludes every candidate the selector throws {@code
 *       NoServerAvailableException} with reason {@code ALL_EXCLUDED}.
 *   <li>Slow start: weighted strategies multiply the ramp into the weight; unweighted ones accept
 *       a pick with the ramp's probability and otherwise choose again; key-affinity strategies
 *       ignore it, as key affinity wins.
 *   <li>Randomness comes from the selector's {@code RandomSource}, so a seeded selector picks
 *       the same sequence every run.
 *   <li>No strategy keeps state per key: distinct keys cannot grow memory.
 * </ul>
 */
package io.lbkit.strategy;
