package io.lbkit.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.ServerPool;
import io.lbkit.failover.Failover;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.strategy.Strategies;
import java.time.Duration;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which URLs name the service, what each attempt is sent to, and the settings' checks. */
class AddressingTest {
  private final Backend one = Backend.ok("one");
  private final Backend other = Backend.ok("other");
  private final LoadBalancer lb = LoadBalancer.builder(ServerPool.of(one.address()))
      .strategy(Strategies.roundRobin()).build();

  @AfterEach
  void tearDown() throws Exception {
    lb.close();
    for (Backend b : List.of(one, other)) {
      b.close();
    }
  }

  @Test
  void anLbUrlBecomesTheServiceUrlWithPathQueryAndFragmentAsWritten() {
    LbInterceptor i = LbInterceptor.builder(lb).service("Inventory").build();
    assertThat(i.service()).isEqualTo("inventory");
    assertThat(i.url("lb://inventory/items/a%2Fb?fields=stock&x=%20#top").toString())
        .isEqualTo("http://inventory/items/a%2Fb?fields=stock&x=%20#top");
    assertThat(i.url("LB://INVENTORY").toString()).isEqualTo("http://inventory/");
  }

  @Test
  void eachAttemptGoesToTheServerWithTheBasePathAndTheRequestsTail() throws Exception {
    LbInterceptor i = LbInterceptor.builder(lb).service("inventory").basePath("/v2/").build();
    OkHttpClient http = Fixtures.client().addInterceptor(i).build();
    Request get = new Request.Builder().url(i.url("lb://inventory/items/42?fields=stock"))
        .header("X-Request-Id", "r1").build();
    try (Response r = http.newCall(get).execute()) {
      assertThat(r.body().string()).isEqualTo("one");
      assertThat(r.request().url().port()).isEqualTo(one.port());
    }
    assertThat(one.paths).containsExactly("/v2/items/42?fields=stock");
    assertThat(one.arrivals("r1")).isEqualTo(1);
  }

  @Test
  void anEscapedPathAndQueryReachTheServerAsWrittenThroughBothAdapters() throws Exception {
    String tail = "/items/a%2Fb/%20c/caf%C3%A9?q=%26%3D&flag&p=1+2&e=";
    LbInterceptor i = LbInterceptor.builder(lb).service("inventory").basePath("/v%201").build();
    OkHttpClient http = Fixtures.client().addInterceptor(i).build();
    Request get = new Request.Builder().url(i.url("lb://inventory" + tail + "#frag")).build();
    try (Response r = http.newCall(get).execute()) {
      assertThat(r.body().string()).isEqualTo("one");
      assertThat(r.request().url().toString())
          .isEqualTo("http://127.0.0.1:" + one.port() + "/v%201" + tail + "#frag");
    }
    LbCallFactory f = LbCallFactory.builder(Fixtures.client().build(), lb).service("inventory")
        .basePath("/v%201").build();
    try (Response r = f.newCall(get).execute()) {
      assertThat(r.body().string()).isEqualTo("one");
    }
    assertThat(one.paths).as("the fragment stays on the client")
        .containsExactly("/v%201" + tail, "/v%201" + tail);
  }

  @Test
  void theTargetKeepsTheEncodedTailAndBracketsAnIpv6Host() {
    Settings s = new Settings(lb);
    s.service("inventory");
    s.scheme("HTTPS");
    s.basePath("/api");
    okhttp3.HttpUrl url = s.url("lb://inventory/a%20b/c?q=%2F&r#frag");
    assertThat(s.target(url, io.lbkit.Server.of("::1", 8443)).toString())
        .isEqualTo("https://[::1]:8443/api/a%20b/c?q=%2F&r#frag");
    assertThat(s.target(url, io.lbkit.Server.of("10.0.0.7", 80)).toString())
        .as("the second call reads the cached origin").isEqualTo(
            "https://10.0.0.7:80/api/a%20b/c?q=%2F&r#frag");
    assertThat(s.target(url, io.lbkit.Server.of("10.0.0.7", 80)).toString())
        .isEqualTo("https://10.0.0.7:80/api/a%20b/c?q=%2F&r#frag");
  }

  @Test
  void theInterceptorPassesOtherHostsThrough() throws Exception {
    LbInterceptor i = LbInterceptor.builder(lb).service("inventory").build();
    OkHttpClient http = Fixtures.client().addInterceptor(i).build();
    Request direct = new Request.Builder()
        .url("http://127.0.0.1:" + other.port() + "/plain").build();
    try (Response r = http.newCall(direct).execute()) {
      assertThat(r.body().string()).isEqualTo("other");
    }
    assertThat(one.arrivals.get()).isZero();
  }

  @Test
  void theFactorySendsToTheServerAndRefusesOtherHosts() throws Exception {
    LbCallFactory f = LbCallFactory.builder(Fixtures.client().build(), lb).service("inventory")
        .basePath("/api").build();
    try (Response r = f.newCall(new Request.Builder().url(f.url("lb://inventory/x")).build())
        .execute()) {
      assertThat(r.body().string()).isEqualTo("one");
    }
    assertThat(one.paths).containsExactly("/api/x");
    assertThatThrownBy(() -> f.newCall(new Request.Builder().url("http://payments/x").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("request.url: http://payments/x (expected: the service inventory as the "
            + "host, with no port or user info, as in http://inventory/path)");
  }

  @Test
  void aServiceUrlWithAPortOrUserInfoIsRefused() {
    LbInterceptor i = LbInterceptor.builder(lb).service("inventory").build();
    OkHttpClient http = Fixtures.client().addInterceptor(i).build();
    assertThatThrownBy(() -> http.newCall(
        new Request.Builder().url("http://inventory:8080/x").build()).execute())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("request.url: http://inventory:8080/x (expected: the service");
    assertThatThrownBy(() -> i.url("lb://bob@inventory/x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("lbUrl: lb://bob@");
    assertThatThrownBy(() -> i.url("lb://payments/x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("lbUrl: lb://payments");
    assertThatThrownBy(() -> i.url("http://inventory/x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("lbUrl: http://inventory/x (expected: a URL such as lb://inventory/path, "
            + "with the lb scheme)");
  }

  @Test
  void badSettingsAreRefusedNamingTheValueAndWhatWasExpected() {
    LbInterceptor.Builder b = LbInterceptor.builder(lb);
    assertThatThrownBy(() -> b.service("in ventory")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("service: in ventory (expected: a host name such as inventory)");
    assertThatThrownBy(() -> b.service("inventory:80"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("service: ");
    assertThatThrownBy(() -> b.scheme("ftp")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("scheme: ftp (expected: http or https)");
    assertThatThrownBy(() -> b.basePath("v2")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("basePath: v2 (expected: empty or a raw path starting with /, without "
            + "query or fragment)");
    assertThatThrownBy(() -> b.basePath("/v2?x=1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.maxRetryAfter(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxRetryAfter: PT-1S (expected: in [PT0S, PT8760H])");
    assertThatThrownBy(() -> b.maxErrorBodyBytes(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxErrorBodyBytes: -1 (expected: >= 0)");
    assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class)
        .hasMessage("service: null (expected: set before build(), e.g. service(\"inventory\"))");
    assertThatThrownBy(() -> LbCallFactory.builder(Fixtures.client().build(), lb)
        .attemptTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("attemptTimeout: PT0S (expected: in [PT0.001S, PT8760H])");
    assertThatThrownBy(() -> OkHttpClassifier.notProcessed(404))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("statuses: 404 (expected: 429 or a status in [500, 599], the answers "
            + "counted as failures)");
    assertThatThrownBy(() -> OkHttpClassifier.notProcessed())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("statuses: [] (expected: at least one status)");
  }

  @Test
  void noServerToChooseFailsTheCallWithAnIoException() {
    try (LoadBalancer empty = LoadBalancer.builder(ServerPool.of(List.of()))
        .strategy(Strategies.roundRobin()).build()) {
      Request get = new Request.Builder().url("http://inventory/x").build();
      OkHttpClient http = Fixtures.client()
          .addInterceptor(LbInterceptor.builder(empty).service("inventory").build()).build();
      LbCallFactory calls = LbCallFactory.builder(http, empty).service("inventory").build();
      for (okhttp3.Call.Factory f : List.<okhttp3.Call.Factory>of(http, calls)) {
        assertThatThrownBy(() -> f.newCall(get).execute()).isInstanceOf(java.io.IOException.class)
            .hasMessageStartingWith("GET http://inventory/x: ")
            .hasCauseInstanceOf(io.lbkit.NoServerAvailableException.class);
      }
    }
  }

  @Test
  void theInterceptorRefusesModesThatNeedCallsOfTheirOwn() {
    for (Failover f : List.of(Failover.hedged(Duration.ofMillis(10)), Failover.forking(2),
        Failover.broadcast(), Failover.failBack(e -> null))) {
      try (LoadBalancer parallel = LoadBalancer.builder(ServerPool.of(one.address()))
          .strategy(Strategies.roundRobin()).failover(f).build()) {
        assertThatThrownBy(() -> LbInterceptor.builder(parallel).service("inventory").build())
            .as(f.toString()).isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("balancer.failover: " + f + " (expected: a sequential mode")
            .hasMessageContaining("use LbCallFactory");
        assertThat(LbCallFactory.builder(Fixtures.client().build(), parallel)
            .service("inventory").build().service()).isEqualTo("inventory");
      }
    }
    for (Failover f : List.of(Failover.failFast(), Failover.retry(3), Failover.failSafe(),
        Failover.primaryBackup(), Failover.readWrite())) {
      try (LoadBalancer seq = LoadBalancer.builder(ServerPool.of(one.address()))
          .strategy(Strategies.roundRobin()).failover(f).build()) {
        assertThat(LbInterceptor.builder(seq).service("inventory").build().balancer())
            .isSameAs(seq);
      }
    }
  }
}
