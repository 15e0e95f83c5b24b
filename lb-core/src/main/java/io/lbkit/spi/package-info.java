/**
 * The picker SPI, for writing a strategy or a tracker: what a {@link io.lbkit.Strategy} builds,
 * and what it builds from.
 *
 * <h2>Overview</h2>
 *
 * <ul>
 *   <li>{@link Candidates}: the servers a picker may choose from, compiled by the {@link
 *       io.lbkit.HealthTracker} from a pool snapshot and the health state (drained and unavailable
 *       servers already left out), with each one's load and slow-start ramp, the selector's
 *       random source and the tracker's ticker. Immutable.
 *   <li>{@link Picker}: an immutable decision procedure over one {@code Candidates}, built by
 *       {@link io.lbkit.Strategy#newPicker Strategy.newPicker} and read by the selector through
 *       one volatile field.
 *   <li>{@link ServerLoad}: the read-only view of one server's load that pickers compare
 *       (in-flight count, peak-EWMA latency).
 *   <li>{@link ServerMetrics}: the counters behind that view, one instance per server id, written
 *       by the tracker on the outcome path and carried across rebuilds, so a rebuild never resets
 *       load.
 * </ul>
 *
 * <h2>Contract</h2>
 *
 * <p><b>Write path.</b> {@code Strategy.newPicker(candidates, previous)} runs whenever the
 * candidates change, one thread at a time per selector, never while a pick waits. It is where
 * every expensive structure (a schedule, an alias table, a ring) is built, and it may reuse
 * {@code previous}. A strategy that throws makes the selector fail closed ({@code
 * STRATEGY_FAILED}) rather than keep a stale picker.
 *
 * <p><b>Read path.</b> {@link Picker#pick pick} runs on every {@code choose()}, from any number
 * of threads at once. It must not lock, allocate, block or throw; it may update atomic counters
 * it owns and read {@code ServerLoad}. It returns a candidate the request does not exclude, or
 * null, after which the selector throws what {@link Picker#refusal refusal} returns: an instance
 * made on the write path.
 *
 * <p><b>Tracker side.</b> {@code HealthTracker.candidates} compiles the candidates, {@code
 * metrics} hands out the {@code ServerMetrics}, and {@code addChangeListener} tells the selector
 * when to compile them again.
 *
 * <pre>{@code
 * // The first candidate the request does not exclude: a complete, if useless, strategy.
 * Strategy first = (candidates, previous) -> request -> {
 *   for (int i = 0; i < candidates.size(); i++) {
 *     if (!request.excludes(candidates.server(i))) {
 *       return candidates.server(i);
 *     }
 *   }
 *   return null;
 * };
 * }</pre>
 */
package io.lbkit.spi;
