/**
 * gRPC-java for lbkit: {@code io.lbkit.grpc}, a name resolver for {@code lbkit:///service}
 * targets fed by any {@code ServerSource} ({@code LbkitNameResolverProvider}) and a load-balancing
 * policy that runs lbkit's strategies and health tracking inside the channel ({@code
 * LbkitLoadBalancerProvider}).
 *
 * <p>Transitive on {@code io.grpc} (grpc-api: the provider types this API extends), on {@code
 * io.lbkit.health} (strategies, health config, the balancer) and on {@code io.lbkit.discovery}
 * (the sources). grpc-api ships no {@code module-info}; its jar names its automatic module
 * {@code io.grpc}.
 */
module io.lbkit.grpc {
  requires transitive io.grpc;
  requires transitive io.lbkit.health;
  requires transitive io.lbkit.discovery;
  requires org.slf4j;

  exports io.lbkit.grpc;
}
