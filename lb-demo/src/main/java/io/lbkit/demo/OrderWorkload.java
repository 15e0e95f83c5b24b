package io.lbkit.demo;

import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The order service: {@code clients} threads place orders until a deadline or a maximum count,
 * whichever comes first. An order is an idempotent stock read ({@code GET /stock}) and then a
 * non-idempotent reservation ({@code POST /reserve}, the order id as body), both through the
 * {@link LoadBalancedHttpClient}.
 *
 * <p>A write that ends without an answer (a timeout, a connection cut by a dying server) is not
 * repeated by lbkit, because the server may have recorded it. The service resolves it the way a
 * real one would: it reads the order back ({@code GET /reserved?order=ID}, idempotent). Recorded:
 * the order is placed. Not recorded after a cut connection: the inventory service's contract says
 * a killed server records nothing once connections are cut, so the write is sent once more. Not
 * recorded after a timeout: the server might still record it later, so the order fails rather
 * than risk a duplicate.
 *
 * <p>Threading: {@link #run()} blocks until every client thread has ended; the counters may be
 * read from any thread at any time.
 */
final class OrderWorkload {
  private static final int MAX_FAILURE_REASONS = 10;

  private final LoadBalancedHttpClient client;
  private final int clients;
  private final long deadlineNanos;
  private final long maxOrders;
  private final AtomicLong tickets = new AtomicLong();
  private volatile boolean stopped;
  final AtomicLong placed = new AtomicLong();
  final AtomicLong failed = new AtomicLong();
  final AtomicLong ambiguous = new AtomicLong();
  final AtomicLong resent = new AtomicLong();
  private final List<String> failureReasons = new ArrayList<>();
  private final int[][] latencies; // micros, one array per client thread
  private final int[] counts;

  OrderWorkload(LoadBalancedHttpClient client, int clients, long deadlineNanos, long maxOrders) {
    this.client = client;
    this.clients = clients;
    this.deadlineNanos = deadlineNanos;
    this.maxOrders = maxOrders;
    this.latencies = new int[clients][1024];
    this.counts = new int[clients];
  }

  /** Runs every client thread to the end; returns false if one did not end within the grace. */
  boolean run() throws InterruptedException {
    Thread[] threads = new Thread[clients];
    for (int i = 0; i < clients; i++) {
      int c = i;
      threads[i] = new Thread(() -> client(c), "order-client-" + (i + 1));
      threads[i].setDaemon(true);
      threads[i].start();
    }
    // An order in progress when the deadline passes finishes: at most a few request timeouts.
    long graceEnd = deadlineNanos + TimeUnit.SECONDS.toNanos(10);
    boolean allEnded = true;
    for (Thread t : threads) {
      long left = graceEnd - System.nanoTime();
      t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      if (t.isAlive()) {
        t.interrupt();
        t.join(1_000);
        allEnded &= !t.isAlive();
      }
    }
    return allEnded;
  }

  /** Clients place no new order from now on; {@link #run()} returns once the current ones end. */
  void stop() {
    stopped = true;
  }

  private void client(int c) {
    long n = 0;
    while (!stopped && System.nanoTime() - deadlineNanos < 0
        && tickets.incrementAndGet() <= maxOrders && !Thread.currentThread().isInterrupted()) {
      String order = "order-" + (c + 1) + "-" + (++n);
      long start = System.nanoTime();
      String failure = place(order, (int) (n % 100));
      record(c, (System.nanoTime() - start) / 1000);
      if (failure == null) {
        placed.incrementAndGet();
      } else {
        failed.incrementAndGet();
        synchronized (failureReasons) {
          if (failureReasons.size() < MAX_FAILURE_REASONS) {
            failureReasons.add(order + ": " + failure);
          }
        }
      }
    }
  }

  /** Places one order; returns null when placed, else why not. */
  private String place(String order, int sku) {
    try {
      HttpResponse<String> stock = client.get("/stock?sku=" + sku);
      if (stock.statusCode() != 200) {
        return "stock read answered " + stock.statusCode();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    } catch (Exception e) {
      return "stock read failed: " + e;
    }
    for (int sends = 1; ; sends++) {
      Exception writeError;
      try {
        HttpResponse<String> r = client.post("/reserve", order);
        return r.statusCode() == 200 ? null : "reservation answered " + r.statusCode();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted";
      } catch (Exception e) {
        writeError = e;
      }
      ambiguous.incrementAndGet();
      int recorded;
      try {
        HttpResponse<String> r = client.get("/reserved?order=" + order);
        if (r.statusCode() != 200) {
          return "write failed (" + writeError + "), read-back answered " + r.statusCode();
        }
        recorded = Integer.parseInt(r.body().trim());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted";
      } catch (Exception e) {
        return "write failed (" + writeError + "), read-back failed: " + e;
      }
      if (recorded > 0) {
        return null;
      }
      if (writeError instanceof HttpTimeoutException || sends >= 2) {
        return "write failed (" + writeError + ") and was not recorded";
      }
      resent.incrementAndGet();
    }
  }

  private void record(int c, long micros) {
    int[] a = latencies[c];
    int k = counts[c];
    if (k == a.length) {
      a = Arrays.copyOf(a, k * 2);
      latencies[c] = a;
    }
    a[k] = (int) Math.min(Integer.MAX_VALUE, micros);
    counts[c] = k + 1;
  }

  /** Order latency percentiles in milliseconds; call after {@link #run()}. */
  double[] percentilesMillis(double... quantiles) {
    int total = 0;
    for (int k : counts) {
      total += k;
    }
    int[] all = new int[total];
    int at = 0;
    for (int c = 0; c < clients; c++) {
      System.arraycopy(latencies[c], 0, all, at, counts[c]);
      at += counts[c];
    }
    Arrays.sort(all);
    double[] out = new double[quantiles.length];
    for (int i = 0; i < quantiles.length; i++) {
      // nearest rank: the smallest value with at least q of the samples at or below it
      int rank = (int) Math.ceil(quantiles[i] * total);
      out[i] = total == 0 ? 0.0 : all[Math.max(0, Math.min(total, rank) - 1)] / 1000.0;
    }
    return out;
  }

  List<String> failureReasons() {
    synchronized (failureReasons) {
      return List.copyOf(failureReasons);
    }
  }
}
