package io.lbkit.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.lbkit.server.LoadReporter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One "inventory" server on 127.0.0.1 for the demo and the end-to-end tests, built on the JDK's
 * HTTP server. Its behaviour can be changed while it runs: base latency, a slow-down factor, a
 * 503 rate, writes that hang after being recorded, and up/down.
 *
 * <p>Endpoints:
 * <ul>
 *   <li>{@code GET /stock?sku=...}: an idempotent read.
 *   <li>{@code POST /reserve} with the order id as body: a write, recorded in the cluster's shared
 *       reservation store (one count per order id, so duplicates are visible).
 *   <li>{@code GET /reserved?order=ID}: how many times that order was recorded (0 or 1 when all
 *       is well), read from the shared store; what the order service reads back after an
 *       ambiguous write.
 *   <li>{@code GET /health}: 200 while up.
 *   <li>{@code GET /lbkit/probe}: lb-server's probe answer (requests in flight, latency at that
 *       load), for {@code --strategy prequal}.
 * </ul>
 *
 * <p>{@code /stock} and {@code /reserve} go through lb-server's {@link LoadReporter} filter, so
 * every answer carries the {@code endpoint-load-metrics} header (utilization of the 16 worker
 * threads, requests and errors per second) and the probe path answers from the same counts.
 *
 * <p><b>The contract a client may rely on</b> (this server's, not a general HTTP rule):
 * <ul>
 *   <li>A 503 is answered before the write is recorded, as a load shedder does: a 503 proves the
 *       write was not processed, so the client may send it elsewhere.
 *   <li>A write is recorded before its response is sent, and a stopped ("killed") server records
 *       nothing after {@link #stop()} began: once a client has seen its connection cut, reading
 *       {@code /reserved} tells the truth about that write.
 * </ul>
 *
 * <p>Threading: every control method is safe from any thread; handlers run on the server's own
 * pool of 16 daemon threads.
 */
public final class InventoryServer implements AutoCloseable {
  private static final int WORKERS = 16;
  private final String name;
  private final Map<String, AtomicInteger> writesByOrder;
  private final ExecutorService workers;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong writes = new AtomicLong();
  private final SplittableRandom random;
  private final Object recordLock = new Object();
  private final LoadReporter load = LoadReporter.builder().capacity(WORKERS).build();
  private volatile HttpServer http;
  private volatile int port;
  private volatile boolean alive; // under recordLock for the write that records
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
    this.workers = Executors.newFixedThreadPool(WORKERS, r -> {
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
    s.createContext("/stock", this::stock).getFilters().add(load.filter());
    s.createContext("/reserve", this::reserve).getFilters().add(load.filter());
    load.install(s);
    s.createContext("/reserved", this::reserved);
    s.createContext("/health", ex -> respond(ex, 200, "ok"));
    synchronized (recordLock) {
      alive = true;
    }
    s.start();
    port = s.getAddress().getPort();
    http = s;
  }

  /**
   * Kills the server: from now on it records nothing, its port is closed (clients get connection
   * refused) and open connections are cut, requests in flight included, as when a process dies.
   */
  public synchronized void stop() {
    synchronized (recordLock) {
      alive = false; // before any connection is cut, so a cut client can trust /reserved
    }
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

  /** {@return this server's load reporter: what its headers and probe answers say} */
  public LoadReporter load() {
    return load;
  }

  /** Requests received on /stock and /reserve. */
  public long requests() {
    return requests.get();
  }

  /** Writes this server recorded. */
  public long writes() {
    return writes.get();
  }

  public void slowDown(int factor) {
    this.slowFactor = factor;
  }

  public void failRate(double rate) {
    this.errorRate = rate;
  }

  /** Writes are recorded, then answered only after {@code millis} (past a client's timeout). */
  public void hangWrites(boolean hang, long millis) {
    this.hangMillis = millis;
    this.hangWrites = hang;
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
      respond(ex, 503, "unavailable"); // shed before recording: nothing was processed
      return;
    }
    synchronized (recordLock) {
      if (!alive) {
        return; // a killed process records nothing; its connection is being cut
      }
      writesByOrder.computeIfAbsent(order, k -> new AtomicInteger()).incrementAndGet();
      writes.incrementAndGet();
    }
    if (hangWrites) {
      pause(hangMillis * 1000);
    }
    respond(ex, 200, "reserved " + order + " at " + name);
  }

  private void reserved(HttpExchange ex) throws IOException {
    String order = query(ex.getRequestURI(), "order");
    AtomicInteger n = order == null ? null : writesByOrder.get(order);
    respond(ex, order == null ? 400 : 200, Integer.toString(n == null ? 0 : n.get()));
  }

  private static String query(URI uri, String key) {
    String q = uri.getRawQuery();
    if (q == null) {
      return null;
    }
    for (String part : q.split("&")) {
      if (part.startsWith(key + "=")) {
        return part.substring(key.length() + 1);
      }
    }
    return null;
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

  /** Stops the server and its threads; waits up to a second for them to end. */
  @Override
  public void close() {
    stop();
    workers.shutdownNow();
    try {
      workers.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
