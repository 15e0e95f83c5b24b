package io.lbkit.server;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * One server's load, as the clients balancing over it want to read it: requests in flight,
 * utilization, completed requests and errors per second, and the latency a call meets at each
 * number of requests in flight. Written to each response in the {@value #HEADER} header (ORCA's
 * TEXT form, which lbkit's HTTP adapters read for load-report weights) and answered to probes
 * ({@link #probeHandler()}, which lbkit's Prequal strategy sends through {@code HttpProber}).
 *
 * <p>Use: {@link #begin()} when a call arrives, {@link Call#end(boolean)} when it ends; on the JDK
 * {@code HttpServer}, add {@link #filter()} to the contexts to count and {@link #install} the
 * probe path.
 *
 * <pre>
 * Rates over a sliding window of length W (5 s by default), two fixed windows blended: with
 *   f the elapsed fraction of the current window, rate = (previous x (1 - f) + current) / W, so
 *   the figure moves smoothly instead of jumping at each boundary; before the first window has
 *   ended, current / elapsed. A window or more without any event leaves an empty previous one.
 * Utilization, by default: the time-average of min(inFlight, capacity) / capacity over the same
 *   window, the share of the server's call slots that were busy (busy time / wall time for a
 *   one-slot server). ORCA names the field cpu_utilization; for CPU-bound calls the busy share is
 *   its proxy, and {@link Builder#utilization} takes a real CPU reading instead.
 * Latency at RIF: see {@link LatencyAtRif}; a call's RIF is the number in flight when it arrived,
 *   itself not counted, and a probe gets the estimate for a call arriving now.
 * </pre>
 *
 * <p>Thread-safe: every method takes this object's monitor briefly (a few arithmetic steps), so
 * it suits servers whose calls take far longer than an uncontended lock.
 */
public final class LoadReporter {
  /** The response header that carries the report: {@value}. */
  public static final String HEADER = "endpoint-load-metrics";
  /** Where {@link #install} answers probes: {@value}. */
  public static final String DEFAULT_PROBE_PATH = "/lbkit/probe";
  /** The window rates and utilization are measured over. */
  public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(5);
  /** Arrival RIFs tracked one by one; higher ones share the last bucket: {@value}. */
  public static final int RIF_BUCKETS = 64;

  private final LongSupplier clock;
  private final int capacity;
  private final long windowNanos;
  private final DoubleSupplier utilizationSource;
  private final LatencyAtRif latency;
  private final long createdNanos;

  // under the monitor
  private int inFlight;
  private long inFlightStartSum; // start times of the calls in flight since creation, summed
  private long windowStart;
  private long lastChange;
  private boolean hasPrevious;
  private double busyNow;
  private double busyPrevious;
  private long doneNow;
  private long donePrevious;
  private long errorsNow;
  private long errorsPrevious;

  private LoadReporter(Builder b) {
    this.clock = b.clock;
    this.capacity = b.capacity;
    this.windowNanos = b.window.toNanos();
    this.utilizationSource = b.utilization;
    this.latency = new LatencyAtRif(RIF_BUCKETS, b.capacity, windowNanos);
    this.createdNanos = clock.getAsLong();
    this.windowStart = createdNanos;
    this.lastChange = createdNanos;
  }

  /**
   * A reporter with the defaults: capacity the number of processors, a 5 s window, {@code
   * System.nanoTime}.
   *
   * @return the reporter
   */
  public static LoadReporter create() {
    return builder().build();
  }

  /** {@return a builder starting from the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A call arrived: one more in flight until its {@link Call#end}.
   *
   * @return the call, to end exactly once (later ends are ignored)
   */
  public Call begin() {
    synchronized (this) {
      long now = clock.getAsLong();
      advance(now);
      inFlightStartSum += now - createdNanos;
      return new Call(now, inFlight++);
    }
  }

  private synchronized void end(Call call, boolean failed) {
    long now = clock.getAsLong();
    advance(now);
    inFlight--;
    inFlightStartSum -= call.startNanos - createdNanos;
    doneNow++;
    if (failed) {
      errorsNow++;
    }
    latency.record(call.rif, now - call.startNanos, now);
  }

  /** Moves the windows to {@code now}, adding the busy time since the last change. */
  private void advance(long now) {
    double busy = Math.min(inFlight, capacity);
    long elapsed = now - windowStart;
    if (elapsed >= windowNanos) {
      long boundary = windowStart + windowNanos;
      busyNow += busy * (boundary - lastChange);
      if (elapsed >= 2 * windowNanos) { // the last full window saw no event
        busyPrevious = busy * windowNanos;
        donePrevious = 0;
        errorsPrevious = 0;
      } else {
        busyPrevious = busyNow;
        donePrevious = doneNow;
        errorsPrevious = errorsNow;
      }
      windowStart += (elapsed / windowNanos) * windowNanos;
      lastChange = windowStart;
      busyNow = 0;
      doneNow = 0;
      errorsNow = 0;
      hasPrevious = true;
    }
    busyNow += busy * (now - lastChange);
    lastChange = now;
  }

  /** Blends the previous and current window (see the class comment), per nanosecond. */
  private double perNano(double previous, double current, long now) {
    if (!hasPrevious) {
      long elapsed = now - createdNanos;
      return elapsed <= 0 ? 0.0 : current / elapsed;
    }
    double f = (double) (now - windowStart) / windowNanos;
    return (previous * (1.0 - f) + current) / windowNanos;
  }

  /** {@return the calls in flight now} */
  public synchronized int inFlight() {
    return inFlight;
  }

  /** {@return completed calls per second over the window} */
  public synchronized double requestsPerSecond() {
    long now = clock.getAsLong();
    advance(now);
    return perSecond(donePrevious, doneNow, now);
  }

  /** {@return failed calls per second over the window} */
  public synchronized double errorsPerSecond() {
    long now = clock.getAsLong();
    advance(now);
    return perSecond(errorsPrevious, errorsNow, now);
  }

  private double perSecond(long previous, long current, long now) {
    return perNano(previous, current, now) * 1e9;
  }

  /**
   * The utilization: the configured source's reading, or the busy share of the capacity's slots
   * over the window (see the class comment).
   *
   * @return the utilization, {@code >= 0}; 1 is fully busy
   */
  public double utilization() {
    if (utilizationSource != null) {
      return sourceUtilization();
    }
    synchronized (this) {
      long now = clock.getAsLong();
      advance(now);
      return busyShare(now);
    }
  }

  private double sourceUtilization() {
    double u = utilizationSource.getAsDouble();
    return Double.isFinite(u) && u > 0 ? u : 0.0;
  }

  /** The busy share of the slots over the window; with the windows advanced to {@code now}. */
  private double busyShare(long now) {
    return perNano(busyPrevious, busyNow, now) / capacity;
  }

  /**
   * The latency a call arriving at {@code rif} calls in flight can expect, from recent calls
   * that arrived at (or, scaled, near) that load.
   *
   * @param rif calls in flight on arrival, {@code >= 0}
   * @return nanoseconds; without a call ended within the window, the mean age of the calls in
   *     flight (0 when none is: unknown)
   */
  public synchronized long latencyNanosAt(int rif) {
    return estimate(rif, clock.getAsLong());
  }

  /**
   * The latency estimate; without a recent sample, the mean age of the calls in flight, a lower
   * bound on what they will record (so a slow server's first probes do not read as "fast" while
   * its first calls are still running).
   */
  private long estimate(int rif, long now) {
    long e = latency.estimate(rif, now);
    if (e == 0 && inFlight > 0) {
      e = Math.max(0L, now - createdNanos - inFlightStartSum / inFlight);
    }
    return e;
  }

  /**
   * The {@value #HEADER} value: {@code TEXT cpu_utilization=0.3, rps_fractional=10.0, eps=1.0},
   * the field names of ORCA's {@code OrcaLoadReport}, numbers rounded to 4 decimals.
   *
   * @return the header value
   */
  public String headerValue() {
    double u;
    double rps;
    double eps;
    synchronized (this) { // one clock read and one lock for the three figures
      long now = clock.getAsLong();
      advance(now);
      u = utilizationSource == null ? busyShare(now) : 0.0;
      rps = perSecond(donePrevious, doneNow, now);
      eps = perSecond(errorsPrevious, errorsNow, now);
    }
    if (utilizationSource != null) {
      u = sourceUtilization(); // the user's reading, outside the monitor
    }
    return "TEXT cpu_utilization=" + number(u) + ", rps_fractional=" + number(rps) + ", eps="
        + number(eps);
  }

  /**
   * The answer to a probe: {@code rif=3, latency_ms=12.5}, the calls in flight now and the
   * latency expected for a call arriving at that load ({@link #latencyNanosAt}).
   *
   * @return the probe body, one line without a line end
   */
  public String probeAnswer() {
    int rif;
    long nanos;
    synchronized (this) {
      rif = inFlight;
      nanos = estimate(rif, clock.getAsLong());
    }
    return "rif=" + rif + ", latency_ms=" + number(nanos / 1e6);
  }

  /** Plain decimal, at most 4 places, at least one (10.0, 0.3, 0.0001; never 1.0E-4). */
  static String number(double v) {
    if (!Double.isFinite(v) || v <= 0) {
      return "0.0";
    }
    String s = BigDecimal.valueOf(v).setScale(4, RoundingMode.HALF_EVEN).stripTrailingZeros()
        .toPlainString();
    return s.indexOf('.') < 0 ? s + ".0" : s;
  }

  /**
   * A filter for {@code HttpServer} contexts: each exchange counts as a call (failed when it
   * throws or answers 5xx) and its response carries the {@value #HEADER} header. Add it to every
   * context that serves the load being balanced.
   *
   * @return a new filter over this reporter
   */
  public Filter filter() {
    return new LoadReportingFilter(this);
  }

  /**
   * A handler that answers probes with {@link #probeAnswer()} (200, {@code text/plain}), not
   * counted as calls.
   *
   * @return a new handler over this reporter
   */
  public HttpHandler probeHandler() {
    return new ProbeHandler(this);
  }

  /**
   * Answers probes on {@code server} at {@value #DEFAULT_PROBE_PATH}.
   *
   * @param server the server to add the probe context to
   * @return the probe context
   * @throws NullPointerException if {@code server} is null
   * @throws IllegalArgumentException if the server already has a context at that path
   */
  public HttpContext install(HttpServer server) {
    return Objects.requireNonNull(server, "server").createContext(DEFAULT_PROBE_PATH,
        probeHandler());
  }

  @Override
  public String toString() {
    return "LoadReporter{inFlight=" + inFlight() + ", capacity=" + capacity + ", window="
        + Duration.ofNanos(windowNanos) + '}';
  }

  /** One call between {@link #begin()} and its end. */
  public final class Call {
    private final long startNanos;
    private final int rif;
    private boolean ended;

    private Call(long startNanos, int rif) {
      this.startNanos = startNanos;
      this.rif = rif;
    }

    /** {@return the calls in flight when this one arrived, itself not counted} */
    public int arrivalRif() {
      return rif;
    }

    /**
     * The call ended: one fewer in flight, its latency recorded at its arrival RIF. Only the
     * first end counts.
     *
     * @param failed whether it counts as an error (in {@code eps})
     */
    public void end(boolean failed) {
      synchronized (LoadReporter.this) {
        if (ended) {
          return;
        }
        ended = true;
        LoadReporter.this.end(this, failed);
      }
    }
  }

  /** Builds a {@link LoadReporter}; every setter validates its argument. */
  public static final class Builder {
    private LongSupplier clock = System::nanoTime;
    private int capacity = Runtime.getRuntime().availableProcessors();
    private Duration window = DEFAULT_WINDOW;
    private DoubleSupplier utilization;

    private Builder() {}

    /**
     * How many calls the server serves at once (its worker threads, its cores); the default
     * utilization and the latency scaling read it. By default the number of processors.
     *
     * @param slots {@code > 0}
     * @return this builder
     * @throws IllegalArgumentException if {@code slots <= 0}
     */
    public Builder capacity(int slots) {
      if (slots <= 0) {
        throw new IllegalArgumentException("capacity: " + slots + " (expected: > 0)");
      }
      this.capacity = slots;
      return this;
    }

    /**
     * The window rates and utilization are measured over (default 5 s).
     *
     * @param window between 1 ms and 1 hour
     * @return this builder
     * @throws NullPointerException if {@code window} is null
     * @throws IllegalArgumentException if {@code window} is outside [1 ms, 1 h]
     */
    public Builder window(Duration window) {
      Objects.requireNonNull(window, "window");
      if (window.compareTo(Duration.ofMillis(1)) < 0 || window.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("window: " + window + " (expected: in [PT0.001S, PT1H])");
      }
      this.window = window;
      return this;
    }

    /**
     * Where time comes from, in nanoseconds ({@code System::nanoTime} by default); tests pass a
     * manual clock.
     *
     * @param clock a monotonic nanosecond clock
     * @return this builder
     * @throws NullPointerException if {@code clock} is null
     */
    public Builder clock(LongSupplier clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Reports {@code source}'s reading as the utilization instead of the busy share of the
     * slots: a process CPU reading, for instance ({@code
     * com.sun.management.OperatingSystemMXBean#getProcessCpuLoad}). Negative or non-finite
     * readings report 0.
     *
     * @param source the reading, 1 being fully busy
     * @return this builder
     * @throws NullPointerException if {@code source} is null
     */
    public Builder utilization(DoubleSupplier source) {
      this.utilization = Objects.requireNonNull(source, "utilization");
      return this;
    }

    /** {@return the reporter, its windows starting now} */
    public LoadReporter build() {
      return new LoadReporter(this);
    }
  }
}
