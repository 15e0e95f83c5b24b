/**
 * lbkit inside a gRPC-java channel.
 *
 * <p>{@link io.lbkit.grpc.LbkitNameResolverProvider} resolves {@code lbkit:///inventory} to the
 * servers a {@link io.lbkit.discovery.ServerSource} lists for {@code inventory} (DNS, a file,
 * ZooKeeper...), through a {@link io.lbkit.discovery.Discovery} binder, so the channel gets the
 * binder's protections: the last good list is kept when the source fails, identical lists are
 * dropped. {@link io.lbkit.grpc.LbkitLoadBalancerProvider} is the {@code lbkit} policy: one
 * subchannel per server, lbkit's strategy picking among the READY ones, and every stream's outcome
 * and latency recorded by a {@link io.grpc.ClientStreamTracer}, so peak EWMA, outlier ejection,
 * panic and slow start work for gRPC calls. {@link io.lbkit.grpc.ServerAddresses} carries lbkit's
 * {@link io.lbkit.Server} in an address group's attributes between the two; the policy also works
 * behind any other resolver (plain addresses become servers of weight 1).
 */
package io.lbkit.grpc;
