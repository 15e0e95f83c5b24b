package io.lbkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerTest {

  @Test
  void ofUsesHostPortAsIdAndDefaults() {
    Server s = Server.of("10.0.0.1", 8080);
    assertThat(s.id()).isEqualTo("10.0.0.1:8080");
    assertThat(s.weight()).isEqualTo(1);
    assertThat(s.priority()).isZero();
    assertThat(s.zone()).isEmpty();
    assertThat(s.metadata()).isEmpty();
    assertThat(s.isDrained()).isFalse();
  }

  @Test
  void builderCarriesEveryField() {
    Server s = Server.builder("10.0.0.2", 8080).weight(3).zone("eu-1").priority(1)
        .metadata("role", "replica").id("inv-2").build();
    assertThat(s.id()).isEqualTo("inv-2");
    assertThat(s.weight()).isEqualTo(3);
    assertThat(s.zone()).isEqualTo("eu-1");
    assertThat(s.priority()).isEqualTo(1);
    assertThat(s.metadata()).isEqualTo(Map.of("role", "replica"));
    assertThat(s.toBuilder().build()).isEqualTo(s).hasSameHashCodeAs(s);
    assertThat(s.toBuilder().weight(0).build().isDrained()).isTrue();
  }

  @Test
  void equalityCoversEveryField() {
    Server a = Server.of("h", 1);
    assertThat(a).isEqualTo(Server.of("h", 1));
    assertThat(a).isNotEqualTo(Server.builder("h", 1).weight(2).build());
    assertThat(a).isNotEqualTo(Server.builder("h", 1).zone("z").build());
  }

  @Test
  void metadataIsImmutable() {
    Server s = Server.builder("h", 1).metadata("k", "v").build();
    assertThatThrownBy(() -> s.metadata().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void rejectsNullHost() {
    assertThatThrownBy(() -> Server.of(null, 80))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("host: null (expected: non-null)");
  }

  @Test
  void rejectsBlankHost() {
    assertThatThrownBy(() -> Server.of("  ", 80))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("host: \"  \" (expected: non-blank)");
  }

  @Test
  void rejectsHostsNoResolverAccepts() {
    for (String bad : new String[] {"inventory 1", "inventory\n1", "a\tb", "host\u0000",
        "x/y", "a".repeat(254)}) {
      assertThatThrownBy(() -> Server.of(bad, 80))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("host: ")
          .hasMessageEndingWith("(expected: a host name or IP literal of at most 253 characters"
              + " from letters, digits and - _ . : % [ ])");
    }
  }

  @Test
  void acceptsHostNamesAndIpLiterals() {
    for (String good : new String[] {"inventory-1.eu_west.svc", "10.0.0.1", "::1",
        "[fe80::1%eth0]", "a".repeat(253)}) {
      assertThat(Server.of(good, 80).host()).isEqualTo(good);
    }
  }

  @Test
  void rejectsPortOutOfRange() {
    assertThatThrownBy(() -> Server.of("h", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port: 0 (expected: 1..65535)");
    assertThatThrownBy(() -> Server.of("h", 65536))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port: 65536 (expected: 1..65535)");
  }

  @Test
  void rejectsNegativeWeightAndPriority() {
    assertThatThrownBy(() -> Server.builder("h", 1).weight(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("weight: -1 (expected: >= 0)");
    assertThatThrownBy(() -> Server.builder("h", 1).priority(-2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("priority: -2 (expected: >= 0)");
  }

  @Test
  void rejectsNullZoneAndMetadata() {
    assertThatThrownBy(() -> Server.builder("h", 1).zone(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("zone: null (expected: non-null)");
    assertThatThrownBy(() -> Server.builder("h", 1).metadata("role", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("metadata[role]: null (expected: non-null)");
    assertThatThrownBy(() -> Server.builder("h", 1).id(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("id: \"\" (expected: non-blank)");
  }
}
