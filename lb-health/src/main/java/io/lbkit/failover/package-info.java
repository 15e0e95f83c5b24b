/**
 * Failover modes and the {@link io.lbkit.failover.LoadBalancer} facade.
 *
 * <h2>Overview</h2>
 *
 * <ul>
 *   <li>{@link io.lbkit.failover.LoadBalancer}: a pool, a strategy, health tracking (a {@code
 *       HealthMonitor} it builds and owns, or a tracker of the caller's) and a failover mode in one
 *       object. {@code execute} and {@code executeAsync} run a {@link io.lbkit.failover.Call} or
 *       {@link io.lbkit.failover.AsyncCall} under the mode; as a {@link io.lbkit.Selector} it also
 *       offers {@code begin} and {@code choose} to callers that make the call themselves.
 *   <li>{@link io.lbkit.failover.Failover}: the modes, immutable and shareable: {@code failFast}
 *       (the default), {@code retry} ({@link io.lbkit.failover.Retry}), {@code failSafe}, {@code
 *       failBack} ({@link io.lbkit.failover.FailBack}), {@code forking}, {@code broadcast}, {@code
 *       primaryBackup}, {@code hedged} ({@link io.lbkit.failover.Hedged}) and {@code readWrite}.
 *   <li>{@link io.lbkit.failover.RetryBudget}: the one allowance every extra attempt draws on.
 *   <li>{@link io.lbkit.failover.OutcomeClassifier}: turns each attempt's result or error into an
 *       {@link io.lbkit.failover.Outcome}, which health tracking counts and the mode reads to
 *       decide whether another attempt is safe; a result judged a failure travels as a {@link
 *       io.lbkit.failover.FailedResultException}.
 * </ul>
 *
 * <h2>One attempt</h2>
 *
 * <p>Every attempt is an {@link io.lbkit.Attempt}: a lock-free pick from the selector's current
 * picker (excluding the servers this call already tried), the chosen server's breaker permission
 * (a refusal picks again without it), the call, one classification, and exactly one end: a
 * success or failure for the server, or a cancel for a copy that lost a race or a call its caller
 * stopped. A call never waits for a pool or health change: those publish new pickers on the
 * write path, and the tiered modes ({@code primaryBackup}, {@code readWrite}) wrap the strategy so
 * that the tiers are decided there too.
 *
 * <h2>Threading</h2>
 *
 * <ul>
 *   <li>Every method of a balancer is safe from any thread.
 *   <li>{@code execute} makes its attempts on the caller's thread and waits out backoffs there,
 *       through the {@link io.lbkit.Scheduler}; {@code forking} and {@code hedged} run their
 *       blocking copies on the balancer's executor while the caller waits.
 *   <li>{@code executeAsync} never blocks: attempts after a backoff or a hedge delay start from
 *       scheduler timers.
 *   <li>{@code failBack}'s background retries run on the scheduler and the executor; picker
 *       rebuilds after health changes run on the executor.
 *   <li>A balancer given a scheduler and an executor starts no thread; otherwise it starts, when
 *       first needed, one daemon timer thread and a daemon call pool, stopped by {@code close()}.
 * </ul>
 *
 * <h2>Decisions</h2>
 *
 * <p>Decisions a user of Dubbo, gRPC, Envoy or Finagle should know about:
 *
 * <ul>
 *   <li><b>No default strategy.</b> {@code lb-health} does not depend on {@code lb-strategies},
 *       so {@code LoadBalancer.builder(pool).strategy(...)} is required; {@code build()} without
 *       it fails naming the field and suggesting {@code Strategies.roundRobin()}.
 *   <li><b>Default mode {@code failFast()}.</b> Nothing is repeated unless the user asks: retries
 *       multiply load and, for writes, effects.
 *   <li><b>One budget.</b> Retries, hedges, forks and background fail-back retries all draw on
 *       one {@link io.lbkit.failover.RetryBudget}; the default is Finagle's 20% of calls plus
 *       10 per second over 10 s, on the balancer's ticker. gRPC's token bucket is the other
 *       choice. Broadcast is a fan-out by design and draws nothing.
 *   <li><b>Safety.</b> A non-idempotent call runs at most once unless its failure is {@link
 *       io.lbkit.failover.Outcome#NOT_SENT} (connection refused...) or the mode opted in
 *       ({@code Retry.retryNonIdempotent()}); timeouts of non-idempotent calls are never
 *       repeated, and non-idempotent calls are never hedged or forked.
 *   <li><b>Failed results.</b> A result the classifier calls a failure (HTTP 503) is retried like
 *       an error; if the last attempt ends that way the caller gets that result, as a proxy
 *       passes on the last upstream response. Errors end as the last error, as thrown (never
 *       modified). {@code execute} throws what the {@link io.lbkit.failover.Call} declares
 *       ({@code Call<T, E>}), so a call throwing {@code IOException} compiles in a method
 *       declared {@code throws IOException} and its exception reaches the caller unwrapped.
 *   <li><b>Every server tried.</b> A retry never goes to a server this call already tried while
 *       an untried one is available; when all have been tried, it goes to any server but the
 *       last to fail, and in a pool of one to that one again (Dubbo reselects likewise).
 *   <li><b>Classification.</b> HTTP 429 and 5xx are failures, every other status (404 included)
 *       a success; see {@link io.lbkit.failover.OutcomeClassifier#defaults()}.
 *   <li><b>Breaker permissions.</b> After each choice the balancer takes the server's permission
 *       ({@link io.lbkit.HealthTracker#tryAcquirePermission}); a refusal re-chooses without that
 *       server. Every permission taken ends in exactly one of onSuccess, onFailure or onCancel;
 *       copies that lose a hedge or fork race end in onCancel.
 *   <li><b>Tiers.</b> {@code primaryBackup} and {@code readWrite} wrap the strategy so that the
 *       tiers and their shares of the traffic are decided on the write path (pool or health
 *       change); a {@code primaryBackup} pick only draws one number to choose among them.
 * </ul>
 */
package io.lbkit.failover;
