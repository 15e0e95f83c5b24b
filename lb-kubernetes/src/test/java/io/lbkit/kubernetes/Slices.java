package io.lbkit.kubernetes;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.List;

/** EndpointSlices as the EndpointSlice controller writes them, in a line each. */
final class Slices {
  private Slices() {}

  static EndpointSlice slice(String name, String service, List<EndpointPort> ports,
      Endpoint... endpoints) {
    return slice(name, service, "IPv4", ports, endpoints);
  }

  static EndpointSlice slice(String name, String service, String addressType,
      List<EndpointPort> ports, Endpoint... endpoints) {
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withName(name)
        .addToLabels(KubernetesSource.SERVICE_NAME_LABEL, service)
        .endMetadata()
        .withAddressType(addressType)
        .withPorts(ports)
        .withEndpoints(endpoints)
        .build();
  }

  static EndpointPort port(String name, int port) {
    return new EndpointPortBuilder().withName(name).withPort(port).withProtocol("TCP").build();
  }

  /** The ports of the tests' Service: http 8080 and metrics 9090. */
  static List<EndpointPort> httpAndMetrics() {
    return List.of(port("http", 8080), port("metrics", 9090));
  }

  /** An endpoint with explicit conditions; null leaves a condition out, as the API allows. */
  static Endpoint endpoint(String address, Boolean ready, Boolean serving, Boolean terminating,
      String zone) {
    EndpointBuilder b = new EndpointBuilder()
        .withAddresses(address)
        .withNewConditions()
        .withReady(ready)
        .withServing(serving)
        .withTerminating(terminating)
        .endConditions();
    if (zone != null) {
      b.withZone(zone);
    }
    return b.build();
  }

  static Endpoint ready(String address, String zone) {
    return endpoint(address, true, true, false, zone);
  }

  static Endpoint notReady(String address) {
    return endpoint(address, false, false, false, null);
  }

  static Endpoint terminating(String address, String zone) {
    return endpoint(address, false, true, true, zone);
  }
}
