package io.lbkit.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.EquivalentAddressGroup;
import io.grpc.Status;
import io.lbkit.Server;
import io.lbkit.discovery.ServerSource;
import io.lbkit.strategy.Strategies;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The providers' settings and what they refuse, with the messages users see. */
class ProvidersConfigTest {
  @Test
  void theResolverServesItsSchemeOnlyAndNamesTheServicesItKnows() {
    LbkitNameResolverProvider p = LbkitNameResolverProvider.builder()
        .source("inventory", ServerSource.of(Server.of("127.0.0.1", 9001)))
        .build();
    assertThat(p.getDefaultScheme()).isEqualTo("lbkit");
    assertThat(p.newNameResolver(URI.create("dns:///inventory"), null)).isNull();
    assertThatThrownBy(() -> p.newNameResolver(URI.create("lbkit:///payment"), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lbkit:///payment")
        .hasMessageContaining("[inventory]");
    p.close();
  }

  @Test
  void buildersRejectBadSettingsWithTheFieldAndTheExpectation() {
    assertThatThrownBy(() -> LbkitNameResolverProvider.builder().build())
        .hasMessageContaining("sources");
    assertThatThrownBy(() -> LbkitNameResolverProvider.builder().scheme("1bad"))
        .hasMessageContaining("scheme").hasMessageContaining("a URI scheme");
    assertThatThrownBy(() -> LbkitNameResolverProvider.builder()
        .source("a/b", ServerSource.of(Server.of("127.0.0.1", 1))))
        .hasMessageContaining("no '/'");
    assertThatThrownBy(() -> LbkitLoadBalancerProvider.builder().build())
        .hasMessageContaining("strategy");
    assertThatThrownBy(() -> LbkitLoadBalancerProvider.builder()
        .failureCodes(Set.of(Status.Code.CANCELLED)))
        .hasMessageContaining("failureCodes").hasMessageContaining("neither OK nor CANCELLED");
    assertThatThrownBy(() -> LbkitLoadBalancerProvider.builder().priority(11))
        .hasMessageContaining("priority: 11 (expected: 0..10)");
    assertThat(LbkitLoadBalancerProvider.builder().strategy(Strategies.roundRobin()).build()
        .getPolicyName()).isEqualTo("lbkit");
  }

  @Test
  void anAddressGroupCarriesItsServerAndAPlainOneBecomesAServerOfWeightOne() {
    Server s = Server.builder("127.0.0.1", 8443).weight(3).zone("eu-1").metadata("role", "r")
        .build();
    EquivalentAddressGroup g = ServerAddresses.toAddressGroup(s);
    assertThat(g.getAddresses()).containsExactly(new InetSocketAddress("127.0.0.1", 8443));
    assertThat(ServerAddresses.fromAddressGroup(g)).isSameAs(s);
    Server plain = ServerAddresses.fromAddressGroup(
        new EquivalentAddressGroup(new InetSocketAddress("127.0.0.1", 7000)));
    assertThat(plain.id()).isEqualTo("127.0.0.1:7000");
    assertThat(plain.weight()).isEqualTo(1);
  }
}
