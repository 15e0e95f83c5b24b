/**
 * A load-balanced {@link java.net.http.HttpClient}: {@link io.lbkit.http.LbHttpClient} sends a
 * request written against a service ({@code lb://inventory/items/42}, which {@link
 * io.lbkit.http.LbHttpClient#uri(String)} turns into the {@code http://inventory/items/42} an
 * {@link java.net.http.HttpRequest} accepts) to the server the balancer chooses, attempt by
 * attempt, under the balancer's failover mode.
 *
 * <p>What the adapter adds to the balancer: idempotency from the HTTP method (RFC 9110), the
 * request's timeout as a deadline over all attempts, {@code Retry-After} as the wait before a
 * retry, error bodies read and released before a retry, and the bodies of responses that lost a
 * hedge or were retried closed. {@link io.lbkit.http.HttpClassifier} adds the rule a service may
 * document: "this status means the request was not processed".
 */
package io.lbkit.http;
