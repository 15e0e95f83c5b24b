/**
 * The lbkit API: a pool of servers, a selector that chooses one for each call, the attempt that
 * reports how the call went, and the tracker that turns those reports into health.
 *
 * <h2>Overview</h2>
 *
 * <ul>
 *   <li>{@link Server} is one server, an immutable value; its {@link Server#id() id} is the
 *       identity per-server state follows across pool updates.
 *   <li>{@link ServerPool} is the membership of one cluster. Each change is published as an
 *       immutable, versioned {@link PoolSnapshot} and told to the pool's {@link PoolListener}s.
 *   <li>{@link Selector} chooses a server per call: {@link Selector#choose(Request) choose} for a
 *       bare pick, {@link Selector#begin(Request) begin} for a call whose outcome is reported
 *       through the {@link Attempt} it returns, ended exactly once. {@link Selector#builder
 *       Selector.builder} puts one together from a pool, a {@link Strategy} and a {@link
 *       HealthTracker}.
 *   <li>{@link Strategy} is a selection algorithm: a factory of immutable pickers (the SPI in
 *       {@code io.lbkit.spi}). The algorithms themselves are in lb-strategies, behind {@code
 *       io.lbkit.strategy.Strategies}.
 *   <li>{@link HealthTracker} records outcomes and decides which servers are candidates. {@link
 *       LoadTracker} records load (in-flight counts, latencies) and never ejects; lb-health's
 *       {@code HealthMonitor} adds outlier detection, circuit breakers, active checks, slow start
 *       and panic.
 *   <li>{@link Request} says what a call needs: a hash key, servers to exclude, whether it is
 *       idempotent or a write. Immutable and reusable; a key's hash is computed once, when the
 *       request is built.
 *   <li>{@link Ticker}, {@link RandomSource} and {@link Scheduler} are where time, randomness and
 *       waiting come from. They are injected, so tests drive them (lb-testing) and never sleep.
 *   <li>{@link NoServerAvailableException} is thrown when nothing can be chosen; its {@link
 *       NoServerAvailableException.Reason reason} says why.
 * </ul>
 *
 * <h2>Read path and write path</h2>
 *
 * <p>A selector holds one volatile reference to an immutable picker. {@code choose()} reads it
 * and picks: no lock, no allocation, from any number of threads at once; no pick ever waits for a
 * rebuild. Everything that changes what may be chosen is on the write path, serialised per
 * selector, and ends by publishing a new picker with one volatile write:
 *
 * <ul>
 *   <li>A pool change ({@code update}, {@code add}, {@code remove}, {@code drain}) is validated as
 *       a whole (bad input throws and changes nothing) and published as a new snapshot; every
 *       selector on the pool rebuilds its picker on the changing thread before the change method
 *       returns. Once {@code update()} has returned, no {@code choose()} returns a server it
 *       removed.
 *   <li>A health change (an ejection, a restoration, a breaker move, a slow-start step) calls the
 *       tracker's change listeners. The selector only marks its picker dirty; the rebuild runs on
 *       its rebuild executor if it has one, else on whichever thread wins the rebuild lock, and a
 *       burst of changes costs one rebuild.
 * </ul>
 *
 * <p>A rebuild asks the tracker for the {@code Candidates} (the snapshot with health applied) and
 * the strategy for a picker over them, handing it the previous picker so that a rotation carries
 * on. When the new candidates would choose as the current ones do, nothing is published.
 *
 * <h2>Threading</h2>
 *
 * <ul>
 *   <li>{@code Selector.choose} and {@code begin}: any thread, concurrently.
 *   <li>{@code Attempt}'s end methods: any thread, concurrently (a hedge's winner cancelling its
 *       loser); the first end counts, later ones are ignored.
 *   <li>{@code ServerPool} changes: any thread, serialised; listeners run on the changing thread
 *       before the change method returns. Reads take no lock.
 *   <li>{@code HealthTracker}'s outcome methods: any thread; cheap, never blocking on I/O. Change
 *       listeners run on the thread that made the change.
 *   <li>{@code Strategy.newPicker}: the write path only, one thread at a time per selector.
 * </ul>
 *
 * <h2>Reporting a call</h2>
 *
 * <pre>{@code
 * try (Attempt a = selector.begin(Request.withKey("user-42"))) {
 *   try {
 *     Response r = client.call(a.server());
 *     a.success();
 *     return r;
 *   } catch (IOException e) {
 *     a.failure(e);               // counted against the server
 *     throw e;
 *   }
 * }                               // anything else ends the attempt as a cancel
 * }</pre>
 */
package io.lbkit;
