package io.lbkit;

import io.lbkit.internal.Checks;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a server said about its own load, with one response (ORCA, the Open Request Cost
 * Aggregation of xDS: {@code xds.data.orca.v3.OrcaLoadReport}): its CPU utilization, its
 * application utilization, the requests and errors per second it serves, and named metrics.
 * Hand it to the call's {@link Attempt#report}; client-side weighted round robin ({@code
 * Strategies.orcaWeightedRoundRobin()}) turns the reports into weights. Immutable.
 *
 * <p>Every figure is finite and at least 0. Utilization is usually in [0, 1] but may exceed 1 (a
 * server over its nominal capacity, or CPU summed over cores, as ORCA allows). 0 means "not
 * reported" for the utilizations, as in ORCA: {@link #utilization()} prefers the application
 * figure when it is above 0, as gRPC's A58 does.
 *
 * <p>{@link #parseText} reads the {@code endpoint-load-metrics} response header in its TEXT
 * form, as Envoy and gRPC servers write it: {@code TEXT cpu_utilization=0.3, rps_fractional=10,
 * eps=1, named_metrics.foo=123}.
 */
public final class LoadReport {
  /** The response header that carries a load report: {@value}. */
  public static final String HEADER = "endpoint-load-metrics";
  private static final String NAMED = "named_metrics.";
  private static final Set<String> KNOWN_KEYS = Set.of("cpu_utilization",
      "application_utilization", "rps_fractional", "eps", "mem_utilization");

  private final double cpuUtilization;
  private final double applicationUtilization;
  private final double qps;
  private final double eps;
  private final Map<String, Double> namedMetrics;

  private LoadReport(Builder b) {
    this.cpuUtilization = b.cpuUtilization;
    this.applicationUtilization = b.applicationUtilization;
    this.qps = b.qps;
    this.eps = b.eps;
    this.namedMetrics = b.namedMetrics == null ? Map.of()
        : Collections.unmodifiableMap(new LinkedHashMap<>(b.namedMetrics));
  }

  /**
   * A report of CPU utilization, requests and errors per second, and nothing else.
   *
   * @param cpuUtilization the server's CPU utilization, finite and {@code >= 0}
   * @param qps requests per second it served, finite and {@code >= 0}
   * @param eps errors per second, finite and {@code >= 0}
   * @return the report
   * @throws IllegalArgumentException if a figure is negative, NaN or infinite
   */
  public static LoadReport of(double cpuUtilization, double qps, double eps) {
    return builder().cpuUtilization(cpuUtilization).qps(qps).eps(eps).build();
  }

  /** {@return a builder with every figure at 0 (not reported)} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the CPU utilization; 0 when not reported} */
  public double cpuUtilization() {
    return cpuUtilization;
  }

  /** {@return the application-defined utilization; 0 when not reported} */
  public double applicationUtilization() {
    return applicationUtilization;
  }

  /**
   * {@return the utilization a weight divides by} The application utilization when it is above 0,
   * else the CPU utilization (gRPC A58).
   */
  public double utilization() {
    return applicationUtilization > 0 ? applicationUtilization : cpuUtilization;
  }

  /** {@return requests per second the server served (ORCA's {@code rps_fractional})} */
  public double qps() {
    return qps;
  }

  /** {@return errors per second the server answered (ORCA's {@code eps})} */
  public double eps() {
    return eps;
  }

  /** {@return the named metrics, unmodifiable, in the order given; empty when none} */
  public Map<String, Double> namedMetrics() {
    return namedMetrics;
  }

  /**
   * Parses the TEXT form of the {@code endpoint-load-metrics} header: {@code TEXT} then
   * comma-separated {@code key=value} pairs. Known keys: {@code cpu_utilization}, {@code
   * application_utilization}, {@code mem_utilization} (read, not kept: no weight uses it), {@code
   * rps_fractional}, {@code eps}, and {@code named_metrics.NAME}; others are skipped, so a server
   * may add fields. The BINARY and JSON forms are not read.
   *
   * @param header the header's value
   * @return the report
   * @throws NullPointerException if {@code header} is null
   * @throws IllegalArgumentException if the value is not TEXT, a pair has no {@code =}, a known
   *     key's number does not parse, or a figure is negative, NaN or infinite
   */
  public static LoadReport parseText(String header) {
    Checks.notNull(header, "header");
    String h = header.strip();
    Checks.argument(h.regionMatches(true, 0, "TEXT", 0, 4)
            && (h.length() == 4 || Character.isWhitespace(h.charAt(4))),
        HEADER, Checks.quote(header), "TEXT key=value, ...");
    Builder b = builder();
    String body = h.substring(4).strip();
    if (body.isEmpty()) {
      return b.build();
    }
    for (String pair : body.split(",")) {
      String p = pair.strip();
      int eq = p.indexOf('=');
      Checks.argument(eq > 0, HEADER + ": pair", Checks.quote(p), "key=value");
      String key = p.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      boolean named = key.startsWith(NAMED) && key.length() > NAMED.length();
      if (!named && !KNOWN_KEYS.contains(key)) {
        continue; // a field this version does not read, whatever its value
      }
      String text = p.substring(eq + 1).strip();
      double v;
      try {
        v = Double.parseDouble(text);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(Checks.describe(HEADER + ": " + key,
            Checks.quote(text), "a number"), e);
      }
      switch (key) {
        case "cpu_utilization":
          b.cpuUtilization(v);
          break;
        case "application_utilization":
          b.applicationUtilization(v);
          break;
        case "rps_fractional":
          b.qps(v);
          break;
        case "eps":
          b.eps(v);
          break;
        case "mem_utilization":
          check(v, "mem_utilization");
          break;
        default: // named, as checked above
          b.namedMetric(p.substring(NAMED.length(), eq).strip(), v);
      }
    }
    return b.build();
  }

  private static double check(double v, String name) {
    Checks.argument(v >= 0 && v < Double.POSITIVE_INFINITY, name, v, "finite and >= 0");
    return v;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof LoadReport)) {
      return false;
    }
    LoadReport r = (LoadReport) o;
    return cpuUtilization == r.cpuUtilization && applicationUtilization == r.applicationUtilization
        && qps == r.qps && eps == r.eps && namedMetrics.equals(r.namedMetrics);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(cpuUtilization, applicationUtilization, qps, eps, namedMetrics);
  }

  @Override
  public String toString() {
    return "LoadReport{cpu=" + cpuUtilization
        + (applicationUtilization > 0 ? " app=" + applicationUtilization : "")
        + " qps=" + qps + " eps=" + eps + (namedMetrics.isEmpty() ? "" : " " + namedMetrics) + '}';
  }

  /** Builds a {@link LoadReport}; every figure checked as it is set. */
  public static final class Builder {
    private double cpuUtilization;
    private double applicationUtilization;
    private double qps;
    private double eps;
    private Map<String, Double> namedMetrics;

    private Builder() {}

    /**
     * @param v CPU utilization, finite and {@code >= 0}
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is negative, NaN or infinite
     */
    public Builder cpuUtilization(double v) {
      this.cpuUtilization = check(v, "cpuUtilization");
      return this;
    }

    /**
     * @param v application utilization, finite and {@code >= 0}; 0 means not reported
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is negative, NaN or infinite
     */
    public Builder applicationUtilization(double v) {
      this.applicationUtilization = check(v, "applicationUtilization");
      return this;
    }

    /**
     * @param v requests per second, finite and {@code >= 0}
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is negative, NaN or infinite
     */
    public Builder qps(double v) {
      this.qps = check(v, "qps");
      return this;
    }

    /**
     * @param v errors per second, finite and {@code >= 0}
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is negative, NaN or infinite
     */
    public Builder eps(double v) {
      this.eps = check(v, "eps");
      return this;
    }

    /**
     * @param name the metric's name, not blank
     * @param v its value, finite and {@code >= 0}
     * @return this builder
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank or {@code v} is negative, NaN or
     *     infinite
     */
    public Builder namedMetric(String name, double v) {
      Checks.notBlank(name, "name");
      check(v, "namedMetrics." + name);
      if (namedMetrics == null) {
        namedMetrics = new LinkedHashMap<>();
      }
      namedMetrics.put(name, v);
      return this;
    }

    /** {@return the report} */
    public LoadReport build() {
      return new LoadReport(this);
    }
  }
}
