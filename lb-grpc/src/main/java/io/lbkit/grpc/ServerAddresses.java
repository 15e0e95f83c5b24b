package io.lbkit.grpc;

import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import io.lbkit.Server;
import io.lbkit.internal.Checks;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * lbkit's {@link Server} in gRPC's terms: an {@link EquivalentAddressGroup} of one socket address
 * whose {@linkplain #SERVER attributes} carry the server itself, so a balancer behind the resolver
 * sees its id, weight, zone, priority and metadata.
 *
 * <p>Threading: stateless; safe from any thread.
 */
public final class ServerAddresses {
  /**
   * The attribute that carries a group's lbkit server. {@link LbkitNameResolverProvider} sets it;
   * a custom resolver may set it too.
   */
  public static final Attributes.Key<Server> SERVER = Attributes.Key.create("io.lbkit.server");

  private ServerAddresses() {}

  /**
   * The address group for {@code server}: its host and port as an {@link InetSocketAddress}
   * (an IP literal is parsed without a lookup; a host name is resolved now, blocking), and the
   * server under {@link #SERVER}.
   *
   * @param server the server
   * @return the group
   * @throws NullPointerException if {@code server} is null
   */
  public static EquivalentAddressGroup toAddressGroup(Server server) {
    Checks.notNull(server, "server");
    InetSocketAddress address = new InetSocketAddress(server.host(), server.port());
    return new EquivalentAddressGroup(address, Attributes.newBuilder().set(SERVER, server).build());
  }

  /**
   * The lbkit server for {@code group}: the one under {@link #SERVER}, else one made from the
   * group's first address ({@code host:port}, weight 1; an address that is not an IP socket
   * address, an in-process one say, becomes a server with that address's {@code toString()} as
   * its id, on host {@code invalid}, port 1).
   *
   * @param group an address group with at least one address
   * @return the server
   * @throws NullPointerException if {@code group} is null
   */
  public static Server fromAddressGroup(EquivalentAddressGroup group) {
    Checks.notNull(group, "group");
    Server s = group.getAttributes().get(SERVER);
    if (s != null) {
      return s;
    }
    SocketAddress a = group.getAddresses().get(0);
    if (a instanceof InetSocketAddress) {
      InetSocketAddress ia = (InetSocketAddress) a;
      String host = ia.getAddress() != null ? ia.getAddress().getHostAddress() : ia.getHostString();
      return Server.of(host, ia.getPort());
    }
    return Server.builder("invalid", 1).id(a.toString()).build();
  }
}
