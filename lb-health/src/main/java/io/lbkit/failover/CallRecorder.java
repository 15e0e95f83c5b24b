package io.lbkit.failover;

import io.lbkit.NoServerAvailableException;
import io.lbkit.PoolListener;
import io.lbkit.PoolSnapshot;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.Ticker;
import io.lbkit.internal.Checks;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records what a {@link LoadBalancer} does to a compact binary file: its pool's membership over
 * time, every call (when it began, its key and kind), every attempt (server, kind, outcome and
 * latency) and every refusal, on the balancer's own ticker. {@link CallRecording#read} reads it
 * back; lb-benchmarks' replay runs the recorded calls again through another strategy or
 * configuration to show what it would have done.
 *
 * <pre>{@code
 * try (CallRecorder recorder = CallRecorder.attach(lb, Path.of("orders.lbrec"))) {
 *   // ... traffic ...
 * }
 * }</pre>
 *
 * <p>Cost: one lock, one ticker read and a few bytes into a 64 KiB buffer per event; nothing is
 * kept in memory but the buffer and one table entry per distinct server. Threading: every
 * method is safe from any thread; events are written in the order they take the lock, each
 * stamped with a ticker reading taken under it, so times in the file never go back on a
 * monotonic ticker.
 *
 * <p>Failures: a write that fails stops the recording (the balancer is not affected; one line
 * is logged) and {@link #close()} throws it. What a listener method is told after {@link
 * #close()} is ignored.
 */
public final class CallRecorder implements CallListener, PoolListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CallRecorder.class);
  private static final int BUFFER = 64 * 1024;

  private final LoadBalancer balancer; // null when not attached to one
  private final Ticker ticker;
  private final RecordingBuffer out;
  private final Map<Server, Integer> indices = new HashMap<>();
  private final long origin;
  private long last;
  private long events;
  private long poolVersion = -1;
  private boolean marked;
  private boolean closed;
  private IOException failure;

  private CallRecorder(LoadBalancer balancer, Ticker ticker, OutputStream sink,
      PoolSnapshot initial) throws IOException {
    this.balancer = balancer;
    this.ticker = ticker;
    this.out = new RecordingBuffer(sink, BUFFER);
    synchronized (this) {
      origin = ticker.read();
      last = origin;
      out.reserve();
      out.putInt(RecordingFormat.MAGIC);
      out.putShort(RecordingFormat.VERSION);
      out.putLong(origin);
      pool(initial, origin);
    }
  }

  /**
   * Starts recording {@code balancer} to {@code file} (created or truncated): from now on its
   * calls and its pool's changes, starting with the pool as it is.
   *
   * @param balancer the balancer to listen to; its tracker's ticker stamps the events
   * @param file where to write
   * @return the recorder, to {@link #close()} when done
   * @throws IOException if the file cannot be opened or its header written
   * @throws NullPointerException if an argument is null
   */
  public static CallRecorder attach(LoadBalancer balancer, Path file) throws IOException {
    Checks.notNull(balancer, "balancer");
    OutputStream out = Files.newOutputStream(Checks.notNull(file, "file"));
    try {
      return attach(balancer, out);
    } catch (IOException | RuntimeException e) {
      out.close(); // nobody else holds it
      throw e;
    }
  }

  /**
   * As {@link #attach(LoadBalancer, Path)}, to a stream of the caller's, which {@link #close()}
   * closes.
   *
   * @param balancer the balancer to listen to; its tracker's ticker stamps the events
   * @param sink where to write
   * @return the recorder, to {@link #close()} when done
   * @throws IOException if the header cannot be written
   * @throws NullPointerException if an argument is null
   */
  public static CallRecorder attach(LoadBalancer balancer, OutputStream sink) throws IOException {
    Checks.notNull(balancer, "balancer");
    Checks.notNull(sink, "sink");
    // Listen before reading the pool: a change racing with attach is then either in the first
    // snapshot or told afterwards (older versions are skipped), never lost.
    CallRecorder r = new CallRecorder(balancer, balancer.tracker().ticker(), sink,
        balancer.pool().snapshot());
    balancer.pool().addListener(r);
    PoolSnapshot now = balancer.pool().snapshot();
    r.onPoolChange(now, now);
    balancer.addCallListener(r);
    return r;
  }

  /**
   * A recorder that is attached to nothing: the caller registers it as the {@link CallListener}
   * and {@link PoolListener} of its choice (for tests, or a balancer built with {@link
   * LoadBalancer.Builder#callListener}).
   *
   * @param ticker stamps the events; the balancer's ticker
   * @param initial the pool's membership when recording starts
   * @param sink where to write; {@link #close()} closes it
   * @return the recorder
   * @throws IOException if the header cannot be written
   * @throws NullPointerException if an argument is null
   */
  public static CallRecorder to(Ticker ticker, PoolSnapshot initial, OutputStream sink)
      throws IOException {
    return new CallRecorder(null, Checks.notNull(ticker, "ticker"),
        Checks.notNull(sink, "sink"), Checks.notNull(initial, "initial"));
  }

  @Override
  public void onPoolChange(PoolSnapshot previous, PoolSnapshot current) {
    synchronized (this) {
      if (current.version() > poolVersion && open()) {
        try {
          pool(current, ticker.read());
        } catch (IOException e) {
          fail(e);
        }
      }
    }
  }

  @Override
  public void onCallStarted(Request request) {
    synchronized (this) {
      if (!open() || marked) {
        return;
      }
      try {
        time(RecordingFormat.CALL);
        Object key = request.key();
        int flags = (request.isIdempotent() ? RecordingFormat.IDEMPOTENT : 0)
            | (request.isWrite() ? RecordingFormat.WRITE : 0)
            | (key instanceof Long ? RecordingFormat.LONG_KEY
                : key != null ? RecordingFormat.STRING_KEY : 0);
        out.putByte(flags);
        if (key instanceof Long) {
          out.putLong((Long) key);
        } else if (key != null) {
          out.putString(key.toString());
        }
      } catch (IOException e) {
        fail(e);
      }
    }
  }

  @Override
  public void onAttemptEnded(AttemptKind kind, Server server, Outcome outcome,
      long durationNanos) {
    synchronized (this) {
      if (!open()) {
        return;
      }
      try {
        int index = index(server);
        time(RecordingFormat.ENDED);
        out.putByte(kind.ordinal());
        out.putVarLong(index);
        out.putByte(outcome.ordinal());
        out.putVarLong(Math.max(0, durationNanos));
      } catch (IOException e) {
        fail(e);
      }
    }
  }

  @Override
  public void onAttemptCancelled(AttemptKind kind, Server server, long durationNanos) {
    synchronized (this) {
      if (!open()) {
        return;
      }
      try {
        int index = index(server);
        time(RecordingFormat.CANCELLED);
        out.putByte(kind.ordinal());
        out.putVarLong(index);
        out.putVarLong(Math.max(0, durationNanos));
      } catch (IOException e) {
        fail(e);
      }
    }
  }

  @Override
  public void onBudgetRefused(AttemptKind kind) {
    synchronized (this) {
      if (!open()) {
        return;
      }
      try {
        time(RecordingFormat.BUDGET);
        out.putByte(kind.ordinal());
      } catch (IOException e) {
        fail(e);
      }
    }
  }

  @Override
  public void onChooseRefused(NoServerAvailableException.Reason reason) {
    synchronized (this) {
      if (!open()) {
        return;
      }
      try {
        time(RecordingFormat.REFUSED);
        out.putByte(reason.ordinal());
      } catch (IOException e) {
        fail(e);
      }
    }
  }

  /**
   * Ends the recorded period: calls that start from now on are not recorded, while the attempts
   * of calls in flight still are, until {@link #close()}. A replay runs its periodic work (health
   * ticks) up to this time. Only the first call marks; {@link #close()} marks if none did.
   */
  public void markEnd() {
    synchronized (this) {
      if (!open() || marked) {
        return;
      }
      marked = true;
      try {
        time(RecordingFormat.MARK);
      } catch (IOException e) {
        fail(e);
      }
    }
  }

  /** {@return how many events were written so far (server table entries not counted)} */
  public synchronized long events() {
    return events;
  }

  /**
   * Stops listening, marks the end if {@link #markEnd()} was not called, writes the end record
   * and closes the file. Idempotent.
   *
   * @throws IOException the first write that failed during the recording, or the failure to
   *     finish the file
   */
  @Override
  public void close() throws IOException {
    if (balancer != null) {
      balancer.removeCallListener(this);
      balancer.pool().removeListener(this);
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      markEnd();
      closed = true;
      try {
        if (failure == null) {
          out.reserve();
          out.putByte(RecordingFormat.EOF);
          out.putVarLong(events);
        }
        out.close();
      } catch (IOException e) {
        fail(e);
      }
      if (failure != null) {
        throw new IOException("recording failed after " + events + " events", failure);
      }
    }
  }

  private boolean open() {
    return !closed && failure == null;
  }

  private void pool(PoolSnapshot snapshot, long now) throws IOException {
    int n = snapshot.size();
    int[] members = new int[n];
    for (int j = 0; j < n; j++) {
      members[j] = index(snapshot.get(j));
    }
    time(RecordingFormat.POOL, now);
    out.putVarLong(n);
    for (int m : members) {
      out.reserve(); // a member's index is at most 5 bytes
      out.putVarLong(m);
    }
    poolVersion = snapshot.version();
  }

  /** The server's index, writing its table entry first if it is new. */
  private int index(Server s) throws IOException {
    Integer known = indices.get(s);
    if (known != null) {
      return known;
    }
    int index = indices.size();
    out.reserve();
    out.putByte(RecordingFormat.SERVER);
    out.putString(s.id());
    out.putString(s.host());
    out.reserve();
    out.putInt(s.port());
    out.putInt(s.weight());
    out.putString(s.zone());
    out.reserve();
    out.putInt(s.priority());
    out.putVarLong(s.metadata().size());
    for (Map.Entry<String, String> e : s.metadata().entrySet()) {
      out.putString(e.getKey());
      out.putString(e.getValue());
    }
    indices.put(s, index);
    return index;
  }

  private void time(int tag) throws IOException {
    time(tag, ticker.read());
  }

  /** Starts a record: room for it, its tag and its time. */
  private void time(int tag, long now) throws IOException {
    out.reserve();
    out.putByte(tag);
    out.putZigZag(now - last);
    last = now;
    events++;
  }

  private void fail(IOException e) {
    if (failure == null) {
      failure = e;
      log.warn("call recording stopped after {} events: {}", events, e.toString());
    }
  }

  @Override
  public String toString() {
    return "CallRecorder{events=" + events() + ", origin=" + origin + '}';
  }
}
