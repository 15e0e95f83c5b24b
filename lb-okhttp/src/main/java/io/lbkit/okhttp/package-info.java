/**
 * OkHttp 5 behind an lbkit {@link io.lbkit.failover.LoadBalancer}: a request written against a
 * service ({@code http://inventory/items/42}, or {@code lb://inventory/items/42} through {@link
 * io.lbkit.okhttp.LbInterceptor#url(String)}) goes, attempt by attempt, to the server the balancer
 * chooses, under its failover mode.
 *
 * <p>Two ways in. {@link io.lbkit.okhttp.LbInterceptor} is an application interceptor: the
 * sequential modes ({@code failFast}, {@code retry}, {@code failSafe}, {@code primaryBackup},
 * {@code readWrite}) run inside any {@code OkHttpClient}, and calls to other hosts pass through.
 * {@link io.lbkit.okhttp.LbCallFactory} is a {@code Call.Factory} that sends every attempt as
 * its own OkHttp call, so the parallel modes ({@code hedged}, {@code forking}, {@code broadcast})
 * and {@code failBack} work too: an interceptor's chain carries one exchange at a time.
 *
 * <p>What both add to the balancer: idempotency from the HTTP method (RFC 9110), the call timeout
 * as a deadline over all attempts, {@code Retry-After} as the wait before a retry, 5xx and 429
 * answers counted as failures (their bodies read so the connection is free again), and the bodies
 * of answers the caller does not get closed. {@link io.lbkit.okhttp.OkHttpClassifier} adds the
 * rule a service may document: "this status means the request was not processed".
 */
package io.lbkit.okhttp;
