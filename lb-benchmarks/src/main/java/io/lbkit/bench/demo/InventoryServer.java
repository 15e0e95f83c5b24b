package io.lbkit.bench.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One "inventory" server on 127.0.0.1 for the demo and the end-to-end tests, built on the JDK's
 * HTTP server. Its behaviour can be changed while it runs: base latency, a slow-down factor, a
 * 503 rate, and up/down (down closes the port, so clients get connection refused; up binds the
 * same port again).
 *
 * <p>Endpoints: {@code GET /stock?sku=...} (an idempotent read), {@code POST /reserve} with the
 * order id as body (a write the cluster counts per order id, to detect duplicates), {@code GET
 * /health}. With {@code hangWrites}, a write is counted and then never answered within the
 * client's timeout: the case where a retry would duplicate an order.
 */
public final class InventoryServer implements AutoCloseable {
  private final String name;
  private final Map<String, AtomicInteger> writesByOrder;
  private final ExecutorService workers;
  private final AtomicLong requests = new AtomicLong();
  private final SplittableRandom random;
  private volatile HttpServer http;
  private volatile int port;
  private volatile long baseLatencyMicros;
  private volatile int slowFactor = 1;
  private volatile double errorRate;
  private volatile boolean hangWrites;
  private volatile long hangMillis = 2_000;

  InventoryServer(String name, long baseLatencyMicros, long seed,
      Map<String, AtomicInteger> writesByOrder) {
    this.name = name;
    this.baseLatencyMicros = baseLatencyMicros;
    this.writesByOrder = writesByOrder;
    this.random = new SplittableRandom(seed);
    this.workers = Executors.newFixedThreadPool(16, r -> {
      Thread t = new Thread(r, "inventory-" + name);
      t.setDaemon(true);
      return t;
    });
  }

  /** Binds 127.0.0.1 on an OS-chosen port the first time, the same port after that. */
  public synchronized void start() throws IOException {
    if (http != null) {
      return;
    }
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
    s.setExecutor(workers);
    s.createContext("/stock", this::stock);
    s.createContext("/reserve", this::reserve);
    s.createContext("/health", ex -> respond(ex, 200, "ok"));
    s.start();
    port = s.getAddress().getPort();
    http = s;
  }

  /** Closes the port at once: clients see connection refused until {@link #start()}. */
  public synchronized void stop() {
    HttpServer s = http;
    http = null;
    if (s != null) {
      s.stop(0);
    }
  }

  public boolean isUp() {
    return http != null;
  }

  public String name() {
    return name;
  }

  public int port() {
    return port;
  }

  public long requests() {
    return requests.get();
  }

  public void slowDown(int factor) {
    this.slowFactor = factor;
  }

  public void failRate(double rate) {
    this.errorRate = rate;
  }

  public void hangWrites(boolean hang, long millis) {
    this.hangWrites = hang;
    this.hangMillis = millis;
  }

  /** Back to normal: full speed, no errors, writes answered. Does not restart a stopped server. */
  public void heal() {
    slowFactor = 1;
    errorRate = 0;
    hangWrites = false;
  }

  private void stock(HttpExchange ex) throws IOException {
    requests.incrementAndGet();
    pause(latencyMicros());
    if (failsNow()) {
      respond(ex, 503, "unavailable");
      return;
    }
    respond(ex, 200, "in stock at " + name);
  }

  private void reserve(HttpExchange ex) throws IOException {
    requests.incrementAndGet();
    String order;
    try (InputStream in = ex.getRequestBody()) {
      order = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    pause(latencyMicros());
    if (failsNow()) {
      // Refused before doing anything: the order was not recorded.
      respond(ex, 503, "unavailable");
      return;
    }
    writesByOrder.computeIfAbsent(order, k -> new AtomicInteger()).incrementAndGet();
    if (hangWrites) {
      pause(hangMillis * 1000);
    }
    respond(ex, 200, "reserved " + order + " at " + name);
  }

  private long latencyMicros() {
    long base = baseLatencyMicros * slowFactor;
    synchronized (random) {
      // +-20% jitter around the base so latencies are not all identical.
      return (long) (base * (0.8 + 0.4 * random.nextDouble()));
    }
  }

  private boolean failsNow() {
    double rate = errorRate;
    if (rate <= 0) {
      return false;
    }
    synchronized (random) {
      return random.nextDouble() < rate;
    }
  }

  // The simulated service time of a real server; never used to wait for lbkit logic.
  private static void pause(long micros) {
    if (micros <= 0) {
      return;
    }
    try {
      Thread.sleep(micros / 1000, (int) (micros % 1000) * 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void respond(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    stop();
    workers.shutdownNow();
  }
}
