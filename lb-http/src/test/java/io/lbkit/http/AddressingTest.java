package io.lbkit.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.strategy.Strategies;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How a request written against the service becomes each attempt's request. */
class AddressingTest {
  private final Backend backend = Backend.ok("ok");
  private final RecordingHttpClient http = new RecordingHttpClient(
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
  private final LoadBalancer lb = LoadBalancer.builder(ServerPool.of(backend.address()))
      .strategy(Strategies.roundRobin()).build();
  private final LbHttpClient client = LbHttpClient.builder(http, lb).service("inventory").build();

  @AfterEach
  void tearDown() throws Exception {
    lb.close();
    backend.close();
  }

  @Test
  void keepsPathQueryFragmentMethodBodyAndHeaders() throws Exception {
    HttpRequest request = HttpRequest.newBuilder(
            client.uri("lb://inventory/items/42%2Fa?sku=a%20b&x=1#top"))
        .header("X-Trace", "t-1").header("X-Request-Id", "r-1")
        .PUT(HttpRequest.BodyPublishers.ofString("body")).build();
    assertThat(client.send(request, BodyHandlers.ofString()).body()).isEqualTo("ok");

    HttpRequest sent = http.sent.get(0);
    assertThat(sent.uri()).isEqualTo(
        URI.create("http://127.0.0.1:" + backend.port() + "/items/42%2Fa?sku=a%20b&x=1#top"));
    assertThat(sent.method()).isEqualTo("PUT");
    assertThat(sent.headers().firstValue("X-Trace")).hasValue("t-1");
    assertThat(sent.bodyPublisher().orElseThrow().contentLength()).isEqualTo(4);
    assertThat(backend.paths).containsExactly("/items/42%2Fa?sku=a%20b&x=1");
    assertThat(backend.arrivals("r-1")).isEqualTo(1);
  }

  @Test
  void basePathAndSchemeComeFromTheBuilder() throws Exception {
    LbHttpClient v2 = LbHttpClient.builder(http, lb).service("inventory").basePath("/inv/v2/")
        .build();
    v2.send(HttpRequest.newBuilder(v2.uri("lb://inventory/items?all")).build(),
        BodyHandlers.discarding());
    assertThat(backend.paths).containsExactly("/inv/v2/items?all");

    LbHttpClient tls = LbHttpClient.builder(http, lb).service("inventory").scheme("HTTPS")
        .build();
    assertThat(tls.target(Server.of("10.0.0.1", 8443), "/x", LbHttpClient.tailRef("/x")))
        .isEqualTo(URI.create("https://10.0.0.1:8443/x"));
    assertThat(client.target(Server.of("::1", 8080), "/x", LbHttpClient.tailRef("/x")))
        .isEqualTo(URI.create("http://[::1]:8080/x"));
  }

  @Test
  void aTailResolvedAgainstTheServersOriginIsTheURIWrittenOut() {
    Server s = Server.of("10.0.0.1", 8080);
    for (String tail : new String[] {"/x", "/a%2Fb/./c/../d?q=%20&r#f%23", "/", "/;p?", "?q",
        "", "#f", "//evil/x"}) {
      URI ref = LbHttpClient.tailRef(tail);
      assertThat(ref == null).as(tail).isEqualTo(!tail.startsWith("/") || tail.startsWith("//"));
      URI u = client.target(s, tail, ref);
      assertThat(u.toString()).as(tail).isEqualTo("http://10.0.0.1:8080" + tail);
      assertThat(u).as(tail).isEqualTo(URI.create("http://10.0.0.1:8080" + tail));
    }
  }

  @Test
  void serviceNameIsComparedIgnoringCase() throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://INVENTORY/a")).build();
    assertThat(client.send(request, BodyHandlers.ofString()).statusCode()).isEqualTo(200);
  }

  @Test
  void anotherServiceIsRefusedNamingTheUri() {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://payments/items/42")).build();
    assertThatThrownBy(() -> client.send(request, BodyHandlers.ofString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("request.uri: http://payments/items/42 (expected: the service inventory as "
            + "the authority, with no port or user info, as in lb://inventory/path)");
    assertThatThrownBy(() -> client.sendAsync(request, BodyHandlers.ofString()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("payments");
    assertThatThrownBy(() -> client.uri("lb://payments/items/42"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("lbUri: lb://payments/items/42 (expected: the service inventory");
    assertThat(http.sent).isEmpty();
    assertThat(backend.arrivals.get()).isZero();
  }

  @Test
  void portsUserInfoAndOtherSchemesAreRefused() {
    assertThatThrownBy(() -> client.send(
        HttpRequest.newBuilder(URI.create("http://inventory:8080/a")).build(),
        BodyHandlers.ofString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("request.uri: http://inventory:8080/a (expected:");
    assertThatThrownBy(() -> client.send(
        HttpRequest.newBuilder(URI.create("http://me@inventory/a")).build(),
        BodyHandlers.ofString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("request.uri: http://me@inventory/a (expected:");
    assertThatThrownBy(() -> client.uri("http://inventory/a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("lbUri: http://inventory/a (expected: the lb scheme, as in "
            + "lb://inventory/path)");
    assertThatThrownBy(() -> client.uri("lb://inventory/a b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("lbUri: lb://inventory/a b (expected: a URI such as "
            + "lb://inventory/path)");
    assertThatThrownBy(() -> client.uri(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("lbUri: null (expected: non-null)");
  }

  @Test
  void builderSettingsAreValidated() {
    LbHttpClient.Builder b = LbHttpClient.builder(http, lb);
    assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class)
        .hasMessage("service: null (expected: set before build(), e.g. service(\"inventory\"))");
    assertThatThrownBy(() -> b.service("my service")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("service: my service (expected: a host name such as inventory)");
    assertThatThrownBy(() -> b.service("inventory:80"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("service: inventory:80");
    assertThatThrownBy(() -> b.scheme("ftp")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("scheme: ftp (expected: http or https)");
    assertThatThrownBy(() -> b.basePath("v2")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("basePath: v2 (expected: empty or a raw path starting with /");
    assertThatThrownBy(() -> b.basePath("/v2?x=1")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("basePath: /v2?x=1");
    assertThatThrownBy(() -> b.attemptTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("attemptTimeout: PT0S (expected: in [PT0.001S, PT8760H])");
    assertThatThrownBy(() -> b.maxRetryAfter(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("maxRetryAfter: PT-1S");
    assertThatThrownBy(() -> b.maxErrorBodyBytes(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxErrorBodyBytes: -1 (expected: >= 0)");
    assertThatThrownBy(() -> LbHttpClient.builder(null, lb))
        .isInstanceOf(NullPointerException.class).hasMessage("http: null (expected: non-null)");
    assertThatThrownBy(() -> client.send(null, BodyHandlers.ofString()))
        .isInstanceOf(NullPointerException.class).hasMessage("request: null (expected: non-null)");
  }
}
