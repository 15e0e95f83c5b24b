/**
 * Micrometer meter binders for an lbkit {@link io.lbkit.failover.LoadBalancer} ({@link
 * io.lbkit.micrometer.LbkitMetrics}) and an lb-discovery {@code Discovery} ({@link
 * io.lbkit.micrometer.DiscoveryMetrics}). The meters read what lbkit keeps anyway, at scrape
 * time: binding adds nothing to {@code choose()} or to a call, except the opt-in attempt timer.
 */
package io.lbkit.micrometer;
