/**
 * Kubernetes as a source of servers: {@link io.lbkit.kubernetes.KubernetesSource} watches the
 * EndpointSlices of one Service and feeds a {@link io.lbkit.discovery.Discovery} binder with every
 * ready endpoint (and every terminating one still serving, drained), each with its zone.
 */
package io.lbkit.kubernetes;
