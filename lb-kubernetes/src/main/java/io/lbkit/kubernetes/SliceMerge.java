package io.lbkit.kubernetes;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.lbkit.Server;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The servers of a set of EndpointSlices: a pure function of the slices, so an unchanged set
 * always gives the same list, in the same order.
 *
 * <p>The rules, from the EndpointSlice API ({@code discovery.k8s.io/v1}):
 *
 * <ul>
 *   <li>Membership: {@code conditions.ready}, where null means ready. A not-ready endpoint that
 *       is {@code terminating} and still {@code serving} (null serving means serving) is kept
 *       drained, weight 0: it finishes its calls and takes no new ones, as kube-proxy does with
 *       terminating endpoints. Any other not-ready endpoint is left out.
 *   <li>Port: the slice's port of the given name; with no name given, the slice's only port. A
 *       slice without it (or whose port number is null, "all ports") contributes nothing.
 *   <li>Addresses: every address of an endpoint is a server, id {@code host:port}. IPv6 ones are
 *       written as {@code DnsSource} writes them (RFC 5952, in brackets). FQDN slices
 *       (deprecated, and ignored by kube-proxy) contribute nothing.
 *   <li>Duplicates: while a service's endpoints move between slices, an address may be in two;
 *       it is listed once, ready preferred over drained, else as the first slice by name says.
 * </ul>
 */
final class SliceMerge {
  /** Metadata keys of what Kubernetes says about an endpoint, when it says it. */
  static final String NODE_NAME = "nodeName";
  static final String HOSTNAME = "hostname";
  static final String POD = "pod";

  private SliceMerge() {}

  /**
   * The merged list.
   *
   * @param slices the service's slices, any order
   * @param portName the port's name, or null for a slice's only port
   * @param warn hears, once per slice or address, what was left out and why
   */
  static List<Server> servers(List<EndpointSlice> slices, String portName, Consumer<String> warn) {
    List<EndpointSlice> ordered = new ArrayList<>(slices);
    ordered.sort(Comparator.comparing(SliceMerge::name));
    Map<String, Server> byId = new LinkedHashMap<>();
    for (EndpointSlice slice : ordered) {
      String type = slice.getAddressType();
      if (!"IPv4".equals(type) && !"IPv6".equals(type)) {
        warn.accept("slice " + name(slice) + ": addressType " + type + " left out (IPv4 or IPv6 "
            + "expected)");
        continue;
      }
      Integer port = port(slice, portName);
      if (port == null) {
        if (portName == null && slice.getPorts() != null && slice.getPorts().size() > 1) {
          warn.accept("slice " + name(slice) + ": " + slice.getPorts().size() + " ports and no "
              + "port name given; its endpoints are left out");
        }
        continue;
      }
      if (slice.getEndpoints() == null) {
        continue;
      }
      for (Endpoint endpoint : slice.getEndpoints()) {
        int weight = weight(endpoint.getConditions());
        if (weight < 0 || endpoint.getAddresses() == null) {
          continue;
        }
        for (String address : endpoint.getAddresses()) {
          Server server;
          try {
            server = server(host(address, type), port, weight, endpoint);
          } catch (IllegalArgumentException e) {
            warn.accept("slice " + name(slice) + ": address " + address + " left out: "
                + e.getMessage());
            continue;
          }
          Server earlier = byId.putIfAbsent(server.id(), server);
          if (earlier != null && earlier.isDrained() && !server.isDrained()) {
            byId.put(server.id(), server); // keeps the earlier place, takes the ready one
          }
        }
      }
    }
    return new ArrayList<>(byId.values());
  }

  /** The slice's port number for {@code portName}, or null when it has none usable. */
  private static Integer port(EndpointSlice slice, String portName) {
    List<EndpointPort> ports = slice.getPorts();
    if (ports == null || ports.isEmpty()) {
      return null;
    }
    if (portName == null) {
      return ports.size() == 1 ? valid(ports.get(0).getPort()) : null;
    }
    for (EndpointPort p : ports) {
      if (portName.equals(p.getName())) {
        return valid(p.getPort());
      }
    }
    return null;
  }

  private static Integer valid(Integer port) {
    return port != null && port >= 1 && port <= 65535 ? port : null;
  }

  /** 1 for a ready endpoint, 0 for a serving terminating one, -1 for one left out. */
  private static int weight(EndpointConditions c) {
    if (c == null || !Boolean.FALSE.equals(c.getReady())) {
      return Server.DEFAULT_WEIGHT;
    }
    boolean serving = !Boolean.FALSE.equals(c.getServing());
    boolean terminating = Boolean.TRUE.equals(c.getTerminating());
    return serving && terminating ? 0 : -1;
  }

  private static Server server(String host, int port, int weight, Endpoint endpoint) {
    Server.Builder b = Server.builder(host, port).weight(weight);
    if (endpoint.getZone() != null) {
      b.zone(endpoint.getZone());
    }
    if (endpoint.getNodeName() != null) {
      b.metadata(NODE_NAME, endpoint.getNodeName());
    }
    if (endpoint.getHostname() != null) {
      b.metadata(HOSTNAME, endpoint.getHostname());
    }
    ObjectReference ref = endpoint.getTargetRef();
    if (ref != null && "Pod".equals(ref.getKind()) && ref.getName() != null) {
      b.metadata(POD, ref.getName());
    }
    return b.build();
  }

  /**
   * The host for an address: IPv4 as given, IPv6 parsed (a literal only, never a DNS lookup)
   * and written canonically in brackets, so that one address always gives one id.
   */
  static String host(String address, String type) {
    if (address == null || address.isBlank()) {
      throw new IllegalArgumentException("an empty address");
    }
    if ("IPv4".equals(type)) {
      return address;
    }
    // getByName parses a string with a colon as an IPv6 literal and never resolves it
    if (address.indexOf(':') < 0) {
      throw new IllegalArgumentException("not an IPv6 literal");
    }
    InetAddress parsed;
    try {
      parsed = InetAddress.getByName(address);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IPv6 literal");
    }
    if (!(parsed instanceof Inet6Address)) {
      throw new IllegalArgumentException("not an IPv6 literal");
    }
    return bracketed(parsed.getAddress());
  }

  /** RFC 5952: lower-case hex groups, the longest run of two or more zero groups as {@code ::}. */
  private static String bracketed(byte[] b) {
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int runStart = -1;
    int runLength = 1;
    for (int i = 0; i < 8; i++) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > runLength) {
        runStart = i;
        runLength = j - i;
      }
      i = Math.max(i, j);
    }
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < 8; i++) {
      if (i == runStart) {
        sb.append("::");
        i += runLength - 1;
      } else {
        if (sb.length() > 1 && sb.charAt(sb.length() - 1) != ':') {
          sb.append(':');
        }
        sb.append(Integer.toHexString(groups[i]));
      }
    }
    return sb.append(']').toString();
  }

  private static String name(EndpointSlice slice) {
    return slice.getMetadata() != null && slice.getMetadata().getName() != null
        ? slice.getMetadata().getName() : "";
  }
}
