package io.lbkit.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.lbkit.Server;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpHealthCheckTest {
  private HttpServer http;
  private ExecutorService executor;
  private HttpClient client;
  private Server server;
  private final AtomicInteger requests = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext("/health", exchange -> {
      requests.incrementAndGet();
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    http.createContext("/sick", exchange -> {
      requests.incrementAndGet();
      exchange.sendResponseHeaders(503, -1);
      exchange.close();
    });
    executor = Executors.newSingleThreadExecutor();
    http.setExecutor(executor);
    http.start();
    client = HttpClient.newHttpClient();
    server = Server.of("127.0.0.1", http.getAddress().getPort());
  }

  @AfterEach
  void stop() {
    http.stop(0);
    executor.shutdownNow();
  }

  private boolean check(HealthCheck c) throws Exception {
    return c.check(server).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void twoHundredIsHealthy() throws Exception {
    assertThat(check(HttpHealthCheck.get(client, "/health"))).isTrue();
    assertThat(requests).hasValue(1);
  }

  @Test
  void serviceUnavailableIsUnhealthy() throws Exception {
    assertThat(check(HttpHealthCheck.get(client, "/sick"))).isFalse();
  }

  @Test
  void acceptedStatusesAreConfigurable() throws Exception {
    HealthCheck c = HttpHealthCheck.get(client, "http", "/sick", java.time.Duration.ofSeconds(5),
        status -> status == 503);
    assertThat(check(c)).isTrue();
  }

  @Test
  void connectionRefusedCompletesExceptionally() throws Exception {
    int port = http.getAddress().getPort();
    http.stop(0);
    Server gone = Server.of("127.0.0.1", port);
    assertThatThrownBy(() -> HttpHealthCheck.get(client, "/health").check(gone)
        .toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class);
  }

  @Test
  void badArgumentsAreRejectedWithTheFieldNamed() {
    assertThatThrownBy(() -> HttpHealthCheck.get(client, "health"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("path: \"health\" (expected: starts with /)");
    assertThatThrownBy(() -> HttpHealthCheck.get(client, "ftp", "/h", null, s -> true))
        .hasMessage("scheme: ftp (expected: http or https)");
  }

  @Test
  void ipv6HostsAreBracketed() {
    Server v6 = Server.of("::1", 8080);
    assertThat(HttpHealthCheck.uri("http", v6, "/h").toString()).isEqualTo("http://[::1]:8080/h");
  }
}
