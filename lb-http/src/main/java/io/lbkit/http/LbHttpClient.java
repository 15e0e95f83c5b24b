package io.lbkit.http;

import io.lbkit.LoadReport;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.Ticker;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.internal.Checks;
import io.lbkit.internal.LoadReportHeader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link HttpClient} behind an lbkit {@link LoadBalancer}: {@link #send} and {@link #sendAsync}
 * take a request written against the service, send each attempt to the server the balancer
 * chooses, and let the balancer's failover mode repeat or hedge it.
 *
 * <pre>{@code
 * LbHttpClient inventory = LbHttpClient.builder(http, lb).service("inventory").build();
 * HttpRequest get = HttpRequest.newBuilder(inventory.uri("lb://inventory/items/42"))
 *     .timeout(Duration.ofSeconds(2)).build();
 * HttpResponse<String> r = inventory.send(get, HttpResponse.BodyHandlers.ofString());
 * }</pre>
 *
 * <p><b>Addresses.</b> A request's URI names the service as its authority: {@code
 * http://inventory/items/42} (what {@link #uri(String)} makes of {@code lb://inventory/items/42};
 * {@code HttpRequest} accepts only http and https URIs). Each attempt goes to {@code
 * scheme://host:port} of the chosen server, followed by the {@link Builder#basePath base path}
 * and the request's raw path, query and fragment, with the request's method, body, headers,
 * version and expect-continue setting unchanged. A URI naming another authority, or with a port or
 * user info, is refused with an {@link IllegalArgumentException} naming it.
 *
 * <p><b>Idempotency</b> (RFC 9110 section 9.2.2): GET, HEAD, OPTIONS and TRACE are idempotent
 * reads; PUT and DELETE idempotent writes; every other method (POST, PATCH...) a write that is not
 * idempotent unless it carries an {@value #IDEMPOTENCY_KEY} header. The balancer retries or hedges
 * a non-idempotent request only when the failure proves it never reached a server (connection
 * refused, connect timeout, unresolved host). The overloads taking a {@link Request} state the
 * call's idempotency, read/write kind and hash key explicitly instead.
 *
 * <p><b>Outcomes.</b> The balancer's {@link io.lbkit.failover.OutcomeClassifier} judges each
 * attempt: its defaults count 5xx and 429 answers as failures, every other answer (404 included)
 * as a success, connection failures as never sent and timeouts as timeouts. {@link HttpClassifier}
 * adds statuses a service documents as "not processed" (a 503 from a load shedder), after which
 * even a POST may go to another server. Whatever the classifier says, the caller gets the last
 * answer the servers gave: a 404, or the 503 of the last attempt, is returned, not thrown.
 *
 * <p><b>Bodies.</b> A 5xx or 429 answer's body is read into memory (up to {@link
 * Builder#maxErrorBodyBytes}, the rest read and dropped), so its connection is free again before
 * any retry; if that answer is the one the caller gets, its bytes are then handed to the caller's
 * body handler. Other answers stream straight into the caller's body handler. An answer the
 * caller does not get (retried by a user classifier, or a hedge copy that finished second) has
 * its body closed if it is closeable (an {@code InputStream}, a {@code Stream}) or cancelled if it
 * is a publisher; a copy cancelled in flight has its exchange cancelled, which closes its
 * connection.
 *
 * <p><b>Time.</b> {@link HttpRequest#timeout()} is the deadline of the whole call, all attempts
 * and waits included, on the balancer's ticker: each attempt gets what is left, at most the {@link
 * Builder#attemptTimeout attempt timeout}. Once nothing is left, no attempt starts and the call
 * ends with the last attempt's outcome. A {@code Retry-After} header (delay-seconds or an
 * HTTP-date) on a 5xx or 429 answer becomes the balancer's wait before the next attempt (under
 * {@code Failover.retry}); a wait that would end past the deadline, or is longer than {@link
 * Builder#maxRetryAfter}, means no further attempt and that answer is returned.
 *
 * <p><b>Threading.</b> Thread-safe; one instance serves any number of concurrent calls. {@link
 * #send} blocks the caller as {@link HttpClient#send} does (under {@code hedged}, copies run on
 * the balancer's executor); {@link #sendAsync} never blocks, and cancelling its future cancels
 * every attempt in flight. No thread is started here: the work runs on the caller's thread, the
 * balancer's scheduler and executor, and the {@code HttpClient}'s executor. The {@code
 * HttpClient} and the balancer stay the caller's: this class closes neither.
 */
public final class LbHttpClient {
  /** The header whose presence marks a POST, PATCH or other non-idempotent request idempotent. */
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  /** How much of a 5xx or 429 body is kept, by default: 64 KiB. */
  public static final int DEFAULT_MAX_ERROR_BODY_BYTES = 64 * 1024;
  /** The longest {@code Retry-After} wait honoured, by default: 10 s. */
  public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofSeconds(10);

  private static final Request READ = Request.builder().idempotent(true).write(false).build();
  private static final Request IDEMPOTENT_WRITE =
      Request.builder().idempotent(true).write(true).build();
  private static final Request WRITE = Request.builder().idempotent(false).write(true).build();

  final HttpClient http;
  final LoadBalancer balancer;
  final Ticker ticker;
  final Clock clock;
  private final String service;
  private final String scheme;
  private final String basePath;
  final long attemptTimeoutNanos; // Long.MAX_VALUE: none
  final long maxRetryAfterNanos;
  final int maxErrorBodyBytes;

  private LbHttpClient(Builder b) {
    this.http = b.http;
    this.balancer = b.balancer;
    this.ticker = b.balancer.tracker().ticker();
    this.clock = b.clock;
    this.service = b.service;
    this.scheme = b.scheme;
    this.basePath = b.basePath;
    this.attemptTimeoutNanos = b.attemptTimeout == null ? Long.MAX_VALUE
        : b.attemptTimeout.toNanos();
    this.maxRetryAfterNanos = b.maxRetryAfter.toNanos();
    this.maxErrorBodyBytes = b.maxErrorBodyBytes;
  }

  /**
   * Starts a client over {@code http} and {@code balancer}; a {@link Builder#service service} name
   * must be set before {@link Builder#build()}.
   *
   * @param http the client every attempt is sent with; stays the caller's (not closed here)
   * @param balancer chooses each attempt's server and runs the failover mode; stays the caller's
   * @return a new builder
   * @throws NullPointerException if {@code http} or {@code balancer} is null
   */
  public static Builder builder(HttpClient http, LoadBalancer balancer) {
    return new Builder(http, balancer);
  }

  /**
   * The URI for {@code lbUri} that an {@link HttpRequest} accepts: {@code lb://inventory/items/42}
   * becomes {@code http://inventory/items/42}; raw path, query and fragment kept as written.
   *
   * @param lbUri {@code lb://} followed by this client's service name and an optional path,
   *     query and fragment
   * @return the URI to build the request with
   * @throws NullPointerException if {@code lbUri} is null
   * @throws IllegalArgumentException if {@code lbUri} is not a URI, its scheme is not {@code lb},
   *     or its authority is not this client's service name
   */
  public URI uri(String lbUri) {
    Checks.notNull(lbUri, "lbUri");
    URI u;
    try {
      u = URI.create(lbUri);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "lbUri: " + lbUri + " (expected: a URI such as lb://" + service + "/path): "
              + e.getMessage(), e);
    }
    Checks.argument("lb".equalsIgnoreCase(u.getScheme()), "lbUri", lbUri,
        "the lb scheme, as in lb://" + service + "/path");
    checkAuthority(u, "lbUri", lbUri);
    return URI.create("http" + lbUri.substring(2)); // "lb://..." -> "http://..."
  }

  /**
   * Sends {@code request} to the servers the balancer chooses, blocking until the call ends; its
   * idempotency comes from its method and {@value #IDEMPOTENCY_KEY} header (see the class
   * comment).
   *
   * @param <T> the body type
   * @param request the request, whose URI names this client's service
   * @param handler the caller's body handler, applied to the answer the caller gets
   * @return the last answer: a success, or the last attempt's error answer (a 503 after every
   *     retry) when the failover mode gave up on one
   * @throws IOException the last attempt's I/O error ({@code ConnectException}, {@code
   *     HttpTimeoutException}...), as the JDK client threw it
   * @throws InterruptedException if the calling thread is interrupted; attempts in flight are
   *     cancelled
   * @throws io.lbkit.NoServerAvailableException if no server could be chosen for the first
   *     attempt (or the balancer is closed)
   * @throws IllegalArgumentException if the request's URI does not name this client's service,
   *     or has a port or user info
   * @throws NullPointerException if {@code request} or {@code handler} is null
   */
  public <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> handler)
      throws IOException, InterruptedException {
    return send(request, handler, requestFor(Checks.notNull(request, "request")));
  }

  /**
   * As {@link #send(HttpRequest, BodyHandler)}, with the balancer's view of the call given
   * explicitly: its idempotency, read/write kind, hash key and exclusions as {@code call} says,
   * whatever the method.
   *
   * @param <T> the body type
   * @param request the request, whose URI names this client's service
   * @param handler the caller's body handler, applied to the answer the caller gets
   * @param call what the balancer is told about the call
   * @return the last answer, as {@link #send(HttpRequest, BodyHandler)} returns it
   * @throws IOException the last attempt's I/O error, as the JDK client threw it
   * @throws InterruptedException if the calling thread is interrupted
   * @throws io.lbkit.NoServerAvailableException if no server could be chosen for the first attempt
   * @throws IllegalArgumentException if the request's URI does not name this client's service
   * @throws NullPointerException if an argument is null
   */
  public <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> handler, Request call)
      throws IOException, InterruptedException {
    Exchange<T> x = exchange(request, handler, call);
    Object last;
    try {
      last = balancer.execute(call, x::attempt);
    } catch (Throwable e) {
      return x.endSync(e);
    }
    return x.finishSync(last);
  }

  /**
   * Sends {@code request} without blocking; idempotency as for {@link #send(HttpRequest,
   * BodyHandler)}. Cancelling the returned future cancels the attempts in flight (their
   * exchanges aborted) and any pending retry.
   *
   * @param <T> the body type
   * @param request the request, whose URI names this client's service
   * @param handler the caller's body handler, applied to the answer the caller gets
   * @return the call's future: the last answer, or failed with the last attempt's error (an
   *     {@code IOException} as the JDK client failed it, or {@code NoServerAvailableException})
   * @throws IllegalArgumentException if the request's URI does not name this client's service,
   *     or has a port or user info
   * @throws NullPointerException if {@code request} or {@code handler} is null
   */
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
      BodyHandler<T> handler) {
    return sendAsync(request, handler, requestFor(Checks.notNull(request, "request")));
  }

  /**
   * As {@link #sendAsync(HttpRequest, BodyHandler)}, with the balancer's view of the call given
   * explicitly, as for {@link #send(HttpRequest, BodyHandler, Request)}.
   *
   * @param <T> the body type
   * @param request the request, whose URI names this client's service
   * @param handler the caller's body handler, applied to the answer the caller gets
   * @param call what the balancer is told about the call
   * @return the call's future, as {@link #sendAsync(HttpRequest, BodyHandler)} returns it
   * @throws IllegalArgumentException if the request's URI does not name this client's service
   * @throws NullPointerException if an argument is null
   */
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
      BodyHandler<T> handler, Request call) {
    Exchange<T> x = exchange(request, handler, call);
    CompletableFuture<Object> promise = balancer.executeAsync(call, x::attemptAsync);
    CompletableFuture<HttpResponse<T>> result = new CompletableFuture<>();
    promise.whenComplete((last, error) -> x.endAsync(last, error, result));
    result.whenComplete((r, e) -> {
      if (result.isCancelled()) {
        promise.cancel(true);
      }
    });
    return result;
  }

  /**
   * What the balancer is told about {@code request} when the caller does not say: idempotency and
   * read/write kind from its method and {@value #IDEMPOTENCY_KEY} header. One shared {@link
   * Request} per kind, so nothing is allocated.
   *
   * @param request the request
   * @return a read for GET, HEAD, OPTIONS and TRACE; an idempotent write for PUT, DELETE and any
   *     request with an {@value #IDEMPOTENCY_KEY} header; a non-idempotent write otherwise
   * @throws NullPointerException if {@code request} is null
   */
  public static Request requestFor(HttpRequest request) {
    switch (request.method()) { // methods are case-sensitive (RFC 9110 section 9.1)
      case "GET":
      case "HEAD":
      case "OPTIONS":
      case "TRACE":
        return READ;
      case "PUT":
      case "DELETE":
        return IDEMPOTENT_WRITE;
      default:
        return request.headers().firstValue(IDEMPOTENCY_KEY).isPresent() ? IDEMPOTENT_WRITE
            : WRITE;
    }
  }

  /**
   * Passes the server's load report ({@code endpoint-load-metrics}, TEXT form) to the balancer's
   * tracker, for load-reporting strategies; a malformed one is ignored (logged at DEBUG).
   */
  void reportLoad(Server server, HttpResponse<?> response) {
    LoadReportHeader.report(balancer.tracker(), server,
        response.headers().firstValue(LoadReport.HEADER).orElse(null));
  }

  /** {@return the balancer that chooses each attempt's server} */
  public LoadBalancer balancer() {
    return balancer;
  }

  /** {@return the JDK client every attempt is sent with} */
  public HttpClient httpClient() {
    return http;
  }

  /** {@return the service name request URIs must carry as their authority} */
  public String service() {
    return service;
  }

  private <T> Exchange<T> exchange(HttpRequest request, BodyHandler<T> handler, Request call) {
    Checks.notNull(request, "request");
    Checks.notNull(handler, "handler");
    Checks.notNull(call, "call");
    URI u = request.uri();
    checkAuthority(u, "request.uri", u);
    StringBuilder tail = new StringBuilder(basePath);
    String path = u.getRawPath();
    if (path != null) {
      tail.append(path);
    }
    if (u.getRawQuery() != null) {
      tail.append('?').append(u.getRawQuery());
    }
    if (u.getRawFragment() != null) {
      tail.append('#').append(u.getRawFragment());
    }
    return new Exchange<>(this, request, handler, tail.toString());
  }

  private void checkAuthority(URI u, String name, Object value) {
    String authority = u.getRawAuthority();
    Checks.argument(authority != null && authority.equalsIgnoreCase(service), name, value,
        "the service " + service + " as the authority, with no port or user info, as in lb://"
            + service + "/path");
  }

  /** The URI of one attempt on {@code server}: scheme, server address, then the request's tail. */
  /**
   * The URI of an attempt on {@code server}: {@code tailRef} (the request's path, query and
   * fragment as a relative reference, parsed once per call) resolved against the server's
   * origin, which copies fields instead of parsing a whole URI per attempt; without one, the
   * whole URI written out and parsed.
   */
  URI target(Server server, String tail, URI tailRef) {
    return tailRef != null ? origin(server).resolve(tailRef) : target(server, tail);
  }

  /**
   * The request's tail as a relative reference, or null when it cannot stand alone: one not
   * starting with a single "/" would resolve differently ("//x" names an authority, an empty
   * path becomes "/").
   */
  static URI tailRef(String tail) {
    if (!tail.startsWith("/") || tail.startsWith("//")) {
      return null;
    }
    try {
      return URI.create(tail);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /*
   * Each server's origin (scheme://host:port), parsed once. Bounded, since servers come and go:
   * past MAX_ORIGINS entries the map starts again, costing one parse per server.
   */
  private static final int MAX_ORIGINS = 1024;
  private final ConcurrentHashMap<String, URI> origins = new ConcurrentHashMap<>();

  private URI origin(Server server) {
    URI o = origins.get(server.id());
    if (o == null) {
      o = target(server, "");
      if (origins.size() >= MAX_ORIGINS) {
        origins.clear();
      }
      origins.put(server.id(), o);
    }
    return o;
  }

  private URI target(Server server, String tail) {
    return target(scheme, server, tail);
  }

  /** {@code scheme://host:port} of {@code server} (an IPv6 literal bracketed), then {@code tail}. */
  static URI target(String scheme, Server server, String tail) {
    String host = server.host();
    StringBuilder b = new StringBuilder(scheme.length() + host.length() + tail.length() + 10)
        .append(scheme).append("://");
    if (host.indexOf(':') >= 0) {
      b.append('[').append(host).append(']'); // an IPv6 literal
    } else {
      b.append(host);
    }
    return URI.create(b.append(':').append(server.port()).append(tail).toString());
  }

  @Override
  public String toString() {
    return "LbHttpClient{lb://" + service + " -> " + scheme + "://<server>" + basePath + ", "
        + balancer + '}';
  }

  /** Builds an {@link LbHttpClient}; every setter validates at once, {@link #build()} the rest. */
  public static final class Builder {
    private final HttpClient http;
    private final LoadBalancer balancer;
    private String service;
    private String scheme = "http";
    private String basePath = "";
    private Duration attemptTimeout;
    private Duration maxRetryAfter = DEFAULT_MAX_RETRY_AFTER;
    private int maxErrorBodyBytes = DEFAULT_MAX_ERROR_BODY_BYTES;
    private Clock clock = Clock.systemUTC();

    private Builder(HttpClient http, LoadBalancer balancer) {
      this.http = Checks.notNull(http, "http");
      this.balancer = Checks.notNull(balancer, "balancer");
    }

    /**
     * Required: the service name request URIs carry as their authority ({@code inventory} in
     * {@code lb://inventory/items/42}); compared ignoring case, as host names are.
     *
     * @param name a host name (letters, digits, hyphens and dots)
     * @return this builder
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is not a host name
     */
    public Builder service(String name) {
      Checks.notNull(name, "service");
      URI u;
      try {
        u = URI.create("http://" + name + "/");
      } catch (IllegalArgumentException e) {
        u = null;
      }
      Checks.argument(u != null && name.equals(u.getHost()), "service", name,
          "a host name such as inventory");
      this.service = name;
      return this;
    }

    /**
     * The scheme each attempt is sent with (default {@code http}).
     *
     * @param scheme {@code http} or {@code https}, any case
     * @return this builder
     * @throws NullPointerException if {@code scheme} is null
     * @throws IllegalArgumentException for any other scheme
     */
    public Builder scheme(String scheme) {
      Checks.notNull(scheme, "scheme");
      String s = scheme.toLowerCase(Locale.ROOT);
      Checks.argument(s.equals("http") || s.equals("https"), "scheme", scheme,
          "http or https");
      this.scheme = s;
      return this;
    }

    /**
     * A path put before every request's path ({@code /inventory/v2} sends {@code
     * lb://inventory/items/42} to {@code /inventory/v2/items/42}); default none.
     *
     * @param basePath empty, or a raw path starting with {@code /}; a trailing {@code /} is dropped
     * @return this builder
     * @throws NullPointerException if {@code basePath} is null
     * @throws IllegalArgumentException if it does not start with {@code /} or holds a query, a
     *     fragment or a character a URI path cannot
     */
    public Builder basePath(String basePath) {
      Checks.notNull(basePath, "basePath");
      String p = basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
      boolean valid = p.isEmpty() || p.startsWith("/");
      if (valid && !p.isEmpty()) {
        try {
          URI u = new URI(null, null, p, null);
          valid = p.equals(u.getRawPath()) && p.indexOf('?') < 0 && p.indexOf('#') < 0;
        } catch (java.net.URISyntaxException e) {
          valid = false;
        }
      }
      Checks.argument(valid, "basePath", basePath, "empty or a raw path starting with /, "
          + "without query or fragment");
      this.basePath = p;
      return this;
    }

    /**
     * The most one attempt may take (Envoy's per-try timeout): with a hanging server, the call
     * moves on after this instead of spending its whole deadline there. Default none: each
     * attempt may use all the time the call has left.
     *
     * @param timeout in [1 ms, 365 days]
     * @return this builder
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is out of range
     */
    public Builder attemptTimeout(Duration timeout) {
      this.attemptTimeout = Checks.range(timeout, "attemptTimeout", Duration.ofMillis(1));
      return this;
    }

    /**
     * The longest {@code Retry-After} wait honoured (default {@link #DEFAULT_MAX_RETRY_AFTER}); an
     * answer asking for longer ends the call with that answer.
     *
     * @param max in [0, 365 days]; 0 means an answer with {@code Retry-After} is never retried
     *     unless it asks for no wait
     * @return this builder
     * @throws NullPointerException if {@code max} is null
     * @throws IllegalArgumentException if {@code max} is out of range
     */
    public Builder maxRetryAfter(Duration max) {
      this.maxRetryAfter = Checks.range(max, "maxRetryAfter", Duration.ZERO);
      return this;
    }

    /**
     * How much of a 5xx or 429 answer's body is kept for the caller, should that answer be the
     * last (default {@link #DEFAULT_MAX_ERROR_BODY_BYTES}); the rest is read and dropped.
     *
     * @param bytes {@code >= 0}
     * @return this builder
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public Builder maxErrorBodyBytes(int bytes) {
      Checks.argument(bytes >= 0, "maxErrorBodyBytes", bytes, ">= 0");
      this.maxErrorBodyBytes = bytes;
      return this;
    }

    /**
     * The wall clock an HTTP-date {@code Retry-After} is read against when the answer has no
     * {@code Date} header (default {@link Clock#systemUTC()}); for tests.
     *
     * @param clock the clock
     * @return this builder
     * @throws NullPointerException if {@code clock} is null
     */
    public Builder clock(Clock clock) {
      this.clock = Checks.notNull(clock, "clock");
      return this;
    }

    /**
     * Builds the client.
     *
     * @return the client
     * @throws IllegalStateException if no service name was set
     */
    public LbHttpClient build() {
      Checks.state(service != null, "service", null, "set before build(), e.g. service(\"inventory\")");
      return new LbHttpClient(this);
    }
  }
}
