package io.lbkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RequestTest {

  @Test
  void noneHasNoKeyNoExclusionsAndIsNotIdempotent() {
    assertThat(Request.NONE.hasKey()).isFalse();
    assertThat(Request.NONE.hasExclusions()).isFalse();
    assertThat(Request.NONE.isIdempotent()).isFalse();
    assertThat(Request.NONE.isWrite()).isFalse();
  }

  @Test
  void requestsAreNotIdempotentUnlessMarked() {
    assertThat(Request.builder().build().isIdempotent()).isFalse();
    assertThat(Request.withKey("k").isIdempotent()).isFalse();
    assertThat(Request.IDEMPOTENT.isIdempotent()).isTrue();
    assertThat(Request.IDEMPOTENT.hasKey()).isFalse();
    assertThat(Request.builder().idempotent(true).build().isIdempotent()).isTrue();
    assertThat(Request.IDEMPOTENT.excluding(Server.of("h", 1)).isIdempotent()).isTrue();
  }

  @Test
  void keyHashIsComputedOnceAndIsStable() {
    Request r = Request.withKey("user-42");
    assertThat(r.hasKey()).isTrue();
    assertThat(r.key()).isEqualTo("user-42");
    assertThat(r.keyHash()).isEqualTo(Request.withKey("user-42").keyHash());
    assertThat(r.keyHash()).isNotEqualTo(Request.withKey("user-43").keyHash());
    assertThat(Request.withKey(42L).keyHash()).isNotEqualTo(Request.withKey(43L).keyHash());
  }

  @Test
  void excludingAddsByIdAndLeavesTheOriginalUnchanged() {
    Server a = Server.of("h", 1);
    Request r = Request.withKey("k");
    Request r1 = r.excluding(a);
    assertThat(r.excludes(a)).isFalse();
    assertThat(r1.excludes(Server.builder("h", 1).weight(7).build())).isTrue();
    assertThat(r1.key()).isEqualTo("k");
    assertThat(r1.excluding(a)).isSameAs(r1);
    assertThat(r1.withoutExclusions().hasExclusions()).isFalse();
  }

  @Test
  void builderCarriesFlagsAndAttributes() {
    Request r = Request.builder().idempotent(false).write(true).attribute("op", "place").build();
    assertThat(r.isIdempotent()).isFalse();
    assertThat(r.isWrite()).isTrue();
    assertThat(r.attribute("op")).isEqualTo("place");
  }

  @Test
  void rejectsEmptyAndNullKeys() {
    assertThatThrownBy(() -> Request.withKey(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key: \"\" (expected: a non-empty string)");
    assertThatThrownBy(() -> Request.withKey((String) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("key: null (expected: non-null)");
    assertThatThrownBy(() -> Request.builder().exclude(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("server: null (expected: non-null)");
    assertThatThrownBy(() -> Request.builder().attribute("a", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("attribute[a]: null (expected: non-null)");
  }
}
