package io.lbkit.kubernetes;

import static io.lbkit.kubernetes.Slices.endpoint;
import static io.lbkit.kubernetes.Slices.httpAndMetrics;
import static io.lbkit.kubernetes.Slices.notReady;
import static io.lbkit.kubernetes.Slices.port;
import static io.lbkit.kubernetes.Slices.ready;
import static io.lbkit.kubernetes.Slices.slice;
import static io.lbkit.kubernetes.Slices.terminating;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.lbkit.Server;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The merge rules on their own, slice by slice: no server needed. */
class SliceMergeTest {
  private final List<String> warnings = new ArrayList<>();

  private List<Server> merge(String portName, EndpointSlice... slices) {
    return SliceMerge.servers(List.of(slices), portName, warnings::add);
  }

  @Test
  void ipv6AddressesAreCanonicalAndBracketedSoOneAddressIsOneId() {
    List<Server> servers = merge("http",
        slice("a", "inventory", "IPv6", httpAndMetrics(),
            ready("2001:DB8:0:0:0:0:0:1", "eu-1"), ready("fd00:0:0:1::0:7", "eu-1")));
    assertThat(servers).extracting(Server::id)
        .containsExactly("[2001:db8::1]:8080", "[fd00:0:0:1::7]:8080");
    assertThat(servers.get(0).host()).isEqualTo("[2001:db8::1]");
    assertThat(warnings).isEmpty();
  }

  @Test
  void anAddressInTwoSlicesIsListedOnceAndTheReadyOneWins() {
    List<Server> servers = merge("http",
        // sorted by name: "a" first, where the address is still terminating
        slice("inventory-b", "inventory", httpAndMetrics(), ready("10.0.0.1", "eu-1")),
        slice("inventory-a", "inventory", httpAndMetrics(),
            terminating("10.0.0.1", "eu-1"), ready("10.0.0.2", "eu-2")));
    assertThat(servers).containsExactly(
        Server.builder("10.0.0.1", 8080).zone("eu-1").build(),
        Server.builder("10.0.0.2", 8080).zone("eu-2").build());
  }

  @Test
  void everyAddressOfAnEndpointIsAServer() {
    List<Server> servers = merge("http", slice("a", "inventory", httpAndMetrics(),
        new EndpointBuilder().withAddresses("10.0.0.1", "10.0.0.2").withZone("eu-1").build()));
    assertThat(servers).extracting(Server::id).containsExactly("10.0.0.1:8080", "10.0.0.2:8080");
    assertThat(servers).extracting(Server::zone).containsOnly("eu-1");
  }

  @Test
  void conditionsFollowTheApisDefaults() {
    List<Server> servers = merge("http", slice("a", "inventory", httpAndMetrics(),
        endpoint("10.0.0.1", null, null, null, null), // nothing said: ready
        endpoint("10.0.0.2", false, null, true, null), // terminating, serving unsaid: serving
        endpoint("10.0.0.3", false, false, true, null), // terminating, not serving: out
        endpoint("10.0.0.4", false, true, null, null), // serving but not terminating: out
        notReady("10.0.0.5")));
    assertThat(servers).containsExactly(
        Server.of("10.0.0.1", 8080), Server.builder("10.0.0.2", 8080).weight(0).build());
  }

  @Test
  void slicesWithoutAUsablePortAndFqdnSlicesContributeNothing() {
    EndpointSlice allPorts = slice("b", "inventory",
        List.of(new EndpointPortBuilder().withName("http").build()), ready("10.0.0.2", ""));
    EndpointSlice fqdn = slice("c", "inventory", "FQDN", httpAndMetrics(),
        ready("inventory.example.com", ""));
    EndpointSlice good = slice("a", "inventory", httpAndMetrics(), ready("10.0.0.1", ""));
    assertThat(merge("http", good, allPorts, fqdn)).extracting(Server::id)
        .containsExactly("10.0.0.1:8080");
    assertThat(warnings).singleElement().asString().contains("slice c", "FQDN");

    // without a port name: a slice's only port, and a two-port slice is left out with a warning
    warnings.clear();
    EndpointSlice onePort = slice("d", "inventory", List.of(port("", 7000)), ready("10.0.0.4", ""));
    assertThat(merge(null, good, onePort)).extracting(Server::id)
        .containsExactly("10.0.0.4:7000");
    assertThat(warnings).singleElement().asString().contains("slice a", "2 ports");
  }

  @Test
  void anAddressThatIsNotALiteralOfItsTypeIsLeftOutWithAWarning() {
    List<Server> servers = merge("http",
        slice("a", "inventory", "IPv6", httpAndMetrics(), ready("10.0.0.1", "")),
        slice("b", "inventory", httpAndMetrics(), ready("10.0.0.2", ""), ready("10.0.0.3 ", "")));
    assertThat(servers).extracting(Server::id).containsExactly("10.0.0.2:8080");
    assertThat(warnings).hasSize(2);
    assertThat(warnings.get(0)).contains("slice a", "10.0.0.1", "not an IPv6 literal");
    assertThat(warnings.get(1)).contains("slice b", "host");
  }

  @Test
  void theSameSlicesInAnyOrderGiveTheSameList() {
    EndpointSlice a = slice("a", "inventory", httpAndMetrics(), ready("10.0.0.1", ""));
    EndpointSlice b = slice("b", "inventory", httpAndMetrics(), ready("10.0.0.2", ""));
    assertThat(merge("http", b, a)).isEqualTo(merge("http", a, b));
  }
}
