/**
 * Failover modes and the {@link io.lbkit.failover.LoadBalancer} facade.
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
 *       tier is decided on the write path (pool or health change), never per pick.
 * </ul>
 */
package io.lbkit.failover;
