package io.lbkit.okhttp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.lbkit.Server;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * (The same fixture as lb-http's tests' Backend: test code is not shared between modules.)
 *
 * <p>A JDK {@link HttpServer} on 127.0.0.1 and a port the OS picks, with a thread per exchange
 * (so a hanging handler holds only its own), counting what arrives: requests in all, and per
 * {@code X-Request-Id} header.
 */
final class Backend implements AutoCloseable {
  /** What a backend does with one exchange; {@code n} is its arrival number here, from 1. */
  interface Behaviour {
    void handle(HttpExchange exchange, int n) throws Exception;
  }

  final HttpServer server;
  final AtomicInteger arrivals = new AtomicInteger();
  final Map<String, AtomicInteger> byId = new ConcurrentHashMap<>();
  final List<String> paths = new CopyOnWriteArrayList<>();
  /** The client's port of each exchange: the same port twice means a reused connection. */
  final List<Integer> clientPorts = new CopyOnWriteArrayList<>();
  /** Released at close: a hanging handler waits on it. */
  final CountDownLatch teardown = new CountDownLatch(1);
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "backend");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean stopped;

  private Backend(Behaviour behaviour) {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(threads);
    server.createContext("/", exchange -> {
      int n = arrivals.incrementAndGet();
      String id = exchange.getRequestHeaders().getFirst("X-Request-Id");
      if (id != null) {
        byId.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
      }
      paths.add(exchange.getRequestURI().toString());
      clientPorts.add(exchange.getRemoteAddress().getPort());
      try {
        exchange.getRequestBody().readAllBytes();
        behaviour.handle(exchange, n);
      } catch (IOException e) {
        // the client went away: nothing to answer
      } catch (Exception e) {
        throw new IOException(e);
      } finally {
        exchange.close();
      }
    });
    server.start();
  }

  static Backend start(Behaviour behaviour) {
    return new Backend(behaviour);
  }

  /** Answers {@code status} with {@code body}. */
  static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
  }

  static Backend ok(String body) {
    return start((x, n) -> answer(x, 200, body));
  }

  /** Answers only once {@link #close()} releases it. */
  static Backend hanging() {
    Backend[] self = new Backend[1];
    self[0] = start((x, n) -> {
      self[0].teardown.await();
      answer(x, 200, "late");
    });
    return self[0];
  }

  Server address() {
    return Server.of("127.0.0.1", server.getAddress().getPort());
  }

  int port() {
    return server.getAddress().getPort();
  }

  int arrivals(String id) {
    AtomicInteger n = byId.get(id);
    return n == null ? 0 : n.get();
  }

  /** Stops listening and closes its connections (a server killed mid-run). */
  void stop() {
    if (!stopped) {
      stopped = true;
      server.stop(0);
    }
  }

  @Override
  public void close() throws InterruptedException {
    teardown.countDown();
    stop();
    threads.shutdownNow();
    threads.awaitTermination(10, TimeUnit.SECONDS);
  }
}
