package io.lbkit.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.failover.Failover;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.strategy.Strategies;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every ```java block of the README, exactly as it is there, compiled with its own imports and
 * run: a class is compiled as it stands; statements become the body of a {@link ReadmeContext}
 * subclass, whose fields are what the snippets take as given. A snippet that stops compiling
 * (an API renamed, an import missing) fails this test with the compiler's message.
 */
class ReadmeSnippetsTest {
  private static final Pattern BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);

  @TempDir
  Path dir;
  private HttpServer backend;
  private TestingServer zookeeper;
  private KubernetesMockServer kubernetes;
  private KubernetesClient kubernetesClient;

  @BeforeEach
  void startBackend() throws Exception {
    backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    backend.createContext("/", exchange -> {
      byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    backend.start();
    zookeeper = new TestingServer(true); // a port the OS picks
    kubernetes = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    kubernetes.init(InetAddress.getLoopbackAddress(), 0); // a port the OS picks
    kubernetesClient = kubernetes.createClient(new JdkHttpClientFactory());
    kubernetesClient.discovery().v1().endpointSlices().inNamespace("shop")
        .resource(new EndpointSliceBuilder()
            .withNewMetadata().withName("inventory-x7k2p")
            .addToLabels("kubernetes.io/service-name", "inventory").endMetadata()
            .withAddressType("IPv4")
            .addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort()
            .addNewEndpoint().withAddresses("10.0.0.7").withZone("eu-1").endEndpoint()
            .addNewEndpoint().withAddresses("10.0.0.8").withZone("eu-2").endEndpoint()
            .build())
        .create();
  }

  @AfterEach
  void stopBackend() throws IOException {
    backend.stop(0);
    zookeeper.close();
    // The Kubernetes snippet closes its watch while the mock API server is up, and the mock
    // server's shutdown then stalls for up to 30 s (its watch listener waits, on the event loop,
    // for a write that needs that loop) before giving up with an IllegalStateException: stopped
    // on a daemon thread of its own, not waited for.
    kubernetesClient.close();
    Thread stopper = new Thread(kubernetes::destroy, "kubernetes-mock-server-stop");
    stopper.setDaemon(true);
    stopper.start();
  }

  @Test
  void everyJavaSnippetCompilesAndRuns() throws Exception {
    List<String> blocks = blocks();
    assertThat(blocks).as("java blocks in README.md").hasSizeGreaterThanOrEqualTo(7);
    List<String> classNames = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      classNames.add(write(i + 1, blocks.get(i)));
    }
    compile();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
        getClass().getClassLoader())) {
      for (int i = 0; i < classNames.size(); i++) {
        Class<?> c = loader.loadClass(classNames.get(i));
        if (ReadmeContext.class.isAssignableFrom(c)) {
          ReadmeContext snippet = (ReadmeContext) c.getDeclaredConstructor().newInstance();
          given(snippet);
          snippet.run();
        } else {
          runClass(c);
        }
      }
    }
  }

  private static List<String> blocks() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"));
    Matcher m = BLOCK.matcher(readme);
    List<String> out = new ArrayList<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  /** Writes block {@code n} as a compilation unit; returns its class's name. */
  private String write(int n, String block) throws IOException {
    StringBuilder imports = new StringBuilder();
    StringBuilder body = new StringBuilder();
    for (String line : block.split("\n", -1)) {
      (line.startsWith("import ") ? imports : body).append(line).append('\n');
    }
    Matcher declared = Pattern.compile("(?m)^public (?:final )?class (\\w+)").matcher(body);
    if (declared.find()) {
      Files.writeString(dir.resolve(declared.group(1) + ".java"), block);
      return declared.group(1);
    }
    String name = "ReadmeSnippet" + n;
    Files.writeString(dir.resolve(name + ".java"), imports + "public class " + name
        + " extends " + ReadmeContext.class.getName() + " {\n"
        + "  @Override public void run() throws Exception {\n" + body + "  }\n}\n");
    return name;
  }

  private void compile() throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> args = new ArrayList<>(List.of("-d", dir.toString(), "-classpath",
        System.getProperty("java.class.path") + File.pathSeparator
            + System.getProperty("jdk.module.path", "")));
    try (var files = Files.list(dir)) {
      files.filter(p -> p.toString().endsWith(".java")).forEach(p -> args.add(p.toString()));
    }
    int status = javac.run(null, null, null, args.toArray(String[]::new));
    assertThat(status).as("javac on the README's snippets (see the log above)").isZero();
  }

  private void given(ReadmeContext snippet) {
    Server server = Server.of("127.0.0.1", backend.getAddress().getPort());
    snippet.servers = List.of(server);
    snippet.pool = ServerPool.of(server);
    snippet.client = HttpClient.newHttpClient();
    snippet.http = snippet.client;
    snippet.zookeeperConnect = zookeeper.getConnectString();
    snippet.kubernetesClient = kubernetesClient;
  }

  /** The README's HTTP client class: a GET and a POST through it against a loopback server. */
  private void runClass(Class<?> c) throws Exception {
    assertThat(c.getSimpleName()).isEqualTo("LoadBalancedHttpClient");
    ServerPool pool = ServerPool.of(Server.of("127.0.0.1", backend.getAddress().getPort()));
    try (LoadBalancer lb = LoadBalancer.builder(pool).strategy(Strategies.roundRobin())
        .failover(Failover.retry(3)).build()) {
      Object client = c.getConstructor(HttpClient.class, LoadBalancer.class, Duration.class)
          .newInstance(HttpClient.newHttpClient(), lb, Duration.ofSeconds(5));
      Method get = c.getMethod("get", String.class);
      Method post = c.getMethod("post", String.class, String.class);
      assertThat(((HttpResponse<?>) get.invoke(client, "/stock?sku=42")).statusCode())
          .isEqualTo(200);
      assertThat(((HttpResponse<?>) post.invoke(client, "/reserve", "order-1")).body())
          .isEqualTo("ok");
    }
  }
}
