package io.lbkit.okhttp;

import io.lbkit.Server;
import io.lbkit.Ticker;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.internal.Checks;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.HttpUrl;

/**
 * What both adapters are built with (the builders' setters validate and fill one of these), and
 * the addressing rules they share: which URLs name the service, and each attempt's URL.
 */
final class Settings {
  final LoadBalancer balancer;
  final Ticker ticker;
  String service;
  String scheme = "http";
  String basePath = "";
  List<String> baseSegments = List.of(); // the base path's, decoded
  long attemptTimeoutNanos = Long.MAX_VALUE; // none
  long maxRetryAfterNanos = LbInterceptor.DEFAULT_MAX_RETRY_AFTER.toNanos();
  int maxErrorBodyBytes = LbInterceptor.DEFAULT_MAX_ERROR_BODY_BYTES;
  Clock clock = Clock.systemUTC();

  Settings(LoadBalancer balancer) {
    this.balancer = Checks.notNull(balancer, "balancer");
    this.ticker = balancer.tracker().ticker();
  }

  Settings copy() {
    Settings s = new Settings(balancer);
    s.service = service;
    s.scheme = scheme;
    s.basePath = basePath;
    s.baseSegments = baseSegments;
    s.attemptTimeoutNanos = attemptTimeoutNanos;
    s.maxRetryAfterNanos = maxRetryAfterNanos;
    s.maxErrorBodyBytes = maxErrorBodyBytes;
    s.clock = clock;
    return s;
  }

  void service(String name) {
    Checks.notNull(name, "service");
    HttpUrl u = HttpUrl.parse("http://" + name + "/");
    Checks.argument(u != null && name.equalsIgnoreCase(u.host()) && u.port() == 80
        && u.encodedPath().equals("/") && !name.isEmpty(), "service", name,
        "a host name such as inventory");
    this.service = u.host(); // OkHttp keeps hosts in lower case
  }

  void scheme(String scheme) {
    Checks.notNull(scheme, "scheme");
    String s = scheme.toLowerCase(Locale.ROOT);
    Checks.argument(s.equals("http") || s.equals("https"), "scheme", scheme, "http or https");
    this.scheme = s;
  }

  void basePath(String basePath) {
    Checks.notNull(basePath, "basePath");
    String p = basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
    boolean valid = p.isEmpty() || p.startsWith("/");
    HttpUrl u = null;
    if (valid && !p.isEmpty()) {
      u = HttpUrl.parse("http://x" + p);
      valid = u != null && u.encodedPath().equals(p) && u.encodedQuery() == null
          && u.encodedFragment() == null;
    }
    Checks.argument(valid, "basePath", basePath,
        "empty or a raw path starting with /, without query or fragment");
    this.basePath = p;
    this.baseSegments = u == null ? List.of() : List.copyOf(u.pathSegments());
  }

  void attemptTimeout(Duration timeout) {
    this.attemptTimeoutNanos = Checks.range(timeout, "attemptTimeout", Duration.ofMillis(1))
        .toNanos();
  }

  void maxRetryAfter(Duration max) {
    this.maxRetryAfterNanos = Checks.range(max, "maxRetryAfter", Duration.ZERO).toNanos();
  }

  void maxErrorBodyBytes(int bytes) {
    Checks.argument(bytes >= 0, "maxErrorBodyBytes", bytes, ">= 0");
    this.maxErrorBodyBytes = bytes;
  }

  void clock(Clock clock) {
    this.clock = Checks.notNull(clock, "clock");
  }

  void checkBuilt() {
    Checks.state(service != null, "service", null,
        "set before build(), e.g. service(\"inventory\")");
  }

  // ---- addressing

  /** {@code lb://service/...} as the {@code http://service/...} URL OkHttp accepts. */
  HttpUrl url(String lbUrl) {
    Checks.notNull(lbUrl, "lbUrl");
    boolean lb = lbUrl.regionMatches(true, 0, "lb://", 0, 5);
    HttpUrl u = lb ? HttpUrl.parse("http" + lbUrl.substring(2)) : null;
    Checks.argument(u != null, "lbUrl", lbUrl,
        "a URL such as lb://" + service + "/path, with the lb scheme");
    check(u, "lbUrl", lbUrl);
    return u;
  }

  /** Whether {@code url}'s host is the service's (the interceptor passes other hosts through). */
  boolean names(HttpUrl url) {
    return url.host().equals(service); // both lower case
  }

  /** Refuses a URL of the service with a port or user info: it would mean two addresses. */
  void check(HttpUrl url, String name, Object value) {
    if (!names(url) || url.port() != HttpUrl.defaultPort(url.scheme())
        || !url.username().isEmpty() || !url.password().isEmpty()) {
      // the message built only here: every call comes through this check
      Checks.argument(false, name, value, "the service " + service
          + " as the host, with no port or user info, as in http://" + service + "/path");
    }
  }

  /** The part of every attempt URL that comes from {@code url}, a URL {@link #check} accepted. */
  AttemptUrls.Tail tail(HttpUrl url) {
    return new AttemptUrls.Tail(url, basePath, baseSegments);
  }

  /** The URL of one attempt on {@code server}: its scheme and address, then the call's tail. */
  HttpUrl target(AttemptUrls.Tail tail, Server server) {
    return AttemptUrls.of(origin(server), tail);
  }

  /** {@link #target(AttemptUrls.Tail, Server)} of {@code url}'s tail. */
  HttpUrl target(HttpUrl url, Server server) {
    return target(tail(url), server);
  }

  /*
   * Why a cache: HttpUrl.Builder.host() canonicalizes the host through OkHttp's IDNA mapping
   * (Punycode, Unicode normalization) on every call, several microseconds of each attempt in
   * OkHttpOverheadBenchmark. Each server's origin (scheme://host:port) is built once with its
   * canonical host. Bounded, since servers come and go: past MAX_ORIGINS entries the map starts
   * again, costing one build per server.
   */
  private static final int MAX_ORIGINS = 1024;
  private final ConcurrentHashMap<Server, AttemptUrls.Origin> origins = new ConcurrentHashMap<>();

  private AttemptUrls.Origin origin(Server server) {
    AttemptUrls.Origin o = origins.get(server);
    if (o == null) {
      o = new AttemptUrls.Origin(scheme, server);
      if (origins.size() >= MAX_ORIGINS) {
        origins.clear();
      }
      origins.put(server, o);
    }
    return o;
  }
}
