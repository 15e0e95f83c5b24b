package io.lbkit.okhttp;

import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.failover.Failover;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.internal.Checks;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import kotlin.jvm.JvmClassMappingKt;
import kotlin.reflect.KClass;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * An OkHttp application interceptor that sends each attempt of a call to the server an lbkit
 * {@link LoadBalancer} chooses, and lets the balancer's failover mode repeat it.
 *
 * <pre>{@code
 * LbInterceptor inventory = LbInterceptor.builder(lb).service("inventory").build();
 * OkHttpClient http = new OkHttpClient.Builder().addInterceptor(inventory)
 *     .callTimeout(Duration.ofSeconds(2)).build();
 * Response r = http.newCall(new Request.Builder().url(inventory.url("lb://inventory/items/42"))
 *     .build()).execute();
 * }</pre>
 *
 * <p><b>Addresses.</b> A request whose host is the service ({@code http://inventory/items/42},
 * what {@link #url(String)} makes of {@code lb://inventory/items/42}) goes, attempt by attempt,
 * to {@code scheme://host:port} of the chosen server, followed by the {@link Builder#basePath
 * base path} and the request's encoded path, query and fragment, with its method, body and
 * headers unchanged. A request to any other host passes through untouched, so one client may
 * carry an interceptor per service. A request to the service's host with a port or user info is
 * refused with an {@link IllegalArgumentException} naming it.
 *
 * <p><b>Idempotency</b> (RFC 9110 section 9.2.2), as {@link #requestFor} says: GET, HEAD,
 * OPTIONS and TRACE are reads; PUT and DELETE idempotent writes; every other method a write that
 * is not idempotent unless it carries an {@value #IDEMPOTENCY_KEY} header. A non-idempotent call
 * is repeated only after a failure that proves it never reached a server (connection refused, an
 * unknown host, a status {@link OkHttpClassifier#notProcessed} names). A request tagged with an
 * lbkit {@link Request} ({@code okhttp3.Request.Builder.tag(io.lbkit.Request.class, call)})
 * states the call's idempotency, read/write kind and hash key instead.
 *
 * <p><b>Outcomes.</b> A 5xx or 429 answer is a failure (its body read into memory, up to {@link
 * Builder#maxErrorBodyBytes}, so the connection is free before any retry); every other answer,
 * 404 included, a success; connection failures are "never sent" and timeouts timeouts, as the
 * balancer's classifier says. The caller always gets the last answer: a 503 after the last retry
 * is returned, not thrown; an {@code IOException} is thrown as OkHttp threw it. No server to
 * choose is an {@code IOException} too (its cause the {@link io.lbkit.NoServerAvailableException}),
 * as OkHttp's callers expect of a call.
 *
 * <p><b>Time.</b> The call's {@code callTimeout} (OkHttp's {@code Call.timeout()}) is the deadline
 * of all attempts and waits, read on the balancer's ticker: no attempt starts once it is spent,
 * and OkHttp itself ends the attempt in flight when it fires. A {@code Retry-After} (seconds or
 * an HTTP-date) on a 5xx or 429 is the wait before the retry under {@code Failover.retry}; a wait
 * past the deadline, or above {@link Builder#maxRetryAfter}, ends the call with that answer. A
 * hanging server costs an attempt its read timeout ({@code OkHttpClient.Builder.readTimeout}).
 *
 * <p><b>Modes.</b> An interceptor's chain carries one exchange at a time, so the modes that run
 * copies in parallel ({@code hedged}, {@code forking}, {@code broadcast}) or retry after the call
 * has returned ({@code failBack}) are refused at {@link Builder#build()}: use {@link
 * LbCallFactory} for them. A fail-safe fallback that is an OkHttp {@link Response} is returned;
 * any other ({@code failSafe()}'s null) cannot be an OkHttp answer, so the call ends with its
 * last attempt's outcome, as under {@code failFast}.
 *
 * <p><b>Threading.</b> Thread-safe; one instance serves any number of concurrent calls. Attempts
 * run on the thread OkHttp runs the interceptor on (the caller's for {@code execute()}, a
 * dispatcher thread for {@code enqueue}); a {@code Retry-After} or backoff wait blocks that
 * thread on the balancer's scheduler. Cancelling the OkHttp call ends the attempt as a cancel:
 * its server is not blamed and nothing is retried. The balancer stays the caller's.
 */
public final class LbInterceptor implements Interceptor {
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
  // The tag's key, made once: Request.tag(Class) makes a KClass for its key on every call.
  private static final KClass<Request> REQUEST_TAG =
      JvmClassMappingKt.getKotlinClass(Request.class);

  private final Settings settings;
  private final LoadBalancer balancer;

  private LbInterceptor(Settings settings) {
    this.settings = settings;
    this.balancer = settings.balancer;
  }

  /**
   * Starts an interceptor over {@code balancer}; a {@link Builder#service service} name must be
   * set before {@link Builder#build()}.
   *
   * @param balancer chooses each attempt's server and runs the failover mode; stays the caller's
   * @return a new builder
   * @throws NullPointerException if {@code balancer} is null
   */
  public static Builder builder(LoadBalancer balancer) {
    return new Builder(balancer);
  }

  /**
   * Runs the call under the balancer if its host is the service, else passes it on unchanged.
   *
   * @param chain OkHttp's chain for this call
   * @return the last answer: a success, or the last attempt's error answer (a 503 after every
   *     retry)
   * @throws IOException the last attempt's I/O error, as OkHttp threw it; or, when no server
   *     could be chosen for the first attempt (or the balancer is closed), an {@code IOException}
   *     whose cause is the balancer's {@link io.lbkit.NoServerAvailableException}
   * @throws IllegalArgumentException if the request's host is the service but it has a port or
   *     user info
   */
  @Override
  public Response intercept(Chain chain) throws IOException {
    okhttp3.Request request = chain.request();
    HttpUrl url = request.url();
    if (!settings.names(url)) {
      return chain.proceed(request);
    }
    settings.check(url, "request.url", url);
    Exchange x = new Exchange(settings, request, chain.call().timeout().timeoutNanos(), true);
    Object last;
    try {
      last = balancer.execute(requestFor(request), server -> attempt(chain, x, server));
    } catch (Throwable e) {
      return x.end(null, e);
    }
    return x.end(last, null);
  }

  private static Response attempt(Chain chain, Exchange x, Server server) throws IOException {
    okhttp3.Request r = x.attemptRequest(server);
    Response response;
    try {
      response = chain.proceed(r);
    } catch (IOException e) {
      x.failed(e);
      if (chain.call().isCanceled() && !x.expired()) {
        throw new Exchange.Stopped(e); // the caller cancelled: no blame, no retry
      }
      throw e;
    }
    return x.accepted(server, response);
  }

  /**
   * What the balancer is told about {@code request}: the lbkit {@link Request} it is tagged with,
   * if any; else idempotency and read/write kind from its method and {@value #IDEMPOTENCY_KEY}
   * header. One shared {@link Request} per kind, so nothing is allocated.
   *
   * @param request the OkHttp request
   * @return its tag; else a read for GET, HEAD, OPTIONS and TRACE, an idempotent write for PUT,
   *     DELETE and any request with an {@value #IDEMPOTENCY_KEY} header, a non-idempotent write
   *     otherwise
   * @throws NullPointerException if {@code request} is null
   */
  public static Request requestFor(okhttp3.Request request) {
    Request tagged = request.tag(REQUEST_TAG);
    if (tagged != null) {
      return tagged;
    }
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
        return request.header(IDEMPOTENCY_KEY) != null ? IDEMPOTENT_WRITE : WRITE;
    }
  }

  /**
   * The URL for {@code lbUrl} that OkHttp accepts: {@code lb://inventory/items/42} becomes {@code
   * http://inventory/items/42}, path, query and fragment as written.
   *
   * @param lbUrl {@code lb://} followed by this interceptor's service name and an optional path,
   *     query and fragment
   * @return the URL to build the request with
   * @throws NullPointerException if {@code lbUrl} is null
   * @throws IllegalArgumentException if {@code lbUrl} is not such a URL: another scheme, another
   *     host, a port or user info
   */
  public HttpUrl url(String lbUrl) {
    return settings.url(lbUrl);
  }

  /** {@return the balancer that chooses each attempt's server} */
  public LoadBalancer balancer() {
    return balancer;
  }

  /** {@return the service name this interceptor balances: the host of the URLs it takes} */
  public String service() {
    return settings.service;
  }

  @Override
  public String toString() {
    return "LbInterceptor{http://" + settings.service + " -> " + settings.scheme + "://<server>"
        + settings.basePath + ", " + balancer + '}';
  }

  /** Builds an {@link LbInterceptor}; every setter validates at once, {@link #build()} the rest. */
  public static final class Builder {
    private final Settings settings;

    private Builder(LoadBalancer balancer) {
      this.settings = new Settings(balancer);
    }

    /**
     * Required: the service name, the host of the URLs this interceptor balances ({@code
     * inventory} in {@code http://inventory/items/42}); compared ignoring case, as host names are.
     *
     * @param name a host name (letters, digits, hyphens and dots)
     * @return this builder
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is not a host name
     */
    public Builder service(String name) {
      settings.service(name);
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
      settings.scheme(scheme);
      return this;
    }

    /**
     * A path put before every request's path ({@code /inventory/v2} sends {@code
     * http://inventory/items/42} to {@code /inventory/v2/items/42}); default none.
     *
     * @param basePath empty, or an encoded path starting with {@code /}; a trailing {@code /} is
     *     dropped
     * @return this builder
     * @throws NullPointerException if {@code basePath} is null
     * @throws IllegalArgumentException if it does not start with {@code /}, or holds a query, a
     *     fragment or a character a URL path cannot
     */
    public Builder basePath(String basePath) {
      settings.basePath(basePath);
      return this;
    }

    /**
     * The longest {@code Retry-After} wait honoured (default {@link #DEFAULT_MAX_RETRY_AFTER}); an
     * answer asking for longer ends the call with that answer.
     *
     * @param max in [0, 365 days]
     * @return this builder
     * @throws NullPointerException if {@code max} is null
     * @throws IllegalArgumentException if {@code max} is out of range
     */
    public Builder maxRetryAfter(Duration max) {
      settings.maxRetryAfter(max);
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
      settings.maxErrorBodyBytes(bytes);
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
      settings.clock(clock);
      return this;
    }

    /**
     * Builds the interceptor.
     *
     * @return the interceptor
     * @throws IllegalStateException if no service name was set
     * @throws IllegalArgumentException if the balancer's failover mode runs parallel copies or
     *     background retries ({@code hedged}, {@code forking}, {@code broadcast}, {@code
     *     failBack}): those need {@link LbCallFactory}
     */
    public LbInterceptor build() {
      settings.checkBuilt();
      Failover f = settings.balancer.failover();
      Checks.argument(!f.sendsCopies(), "balancer.failover", f,
          "a sequential mode (failFast, retry, failSafe, primaryBackup, readWrite); "
              + "use LbCallFactory for hedged, forking, broadcast and failBack");
      return new LbInterceptor(settings.copy());
    }
  }
}
