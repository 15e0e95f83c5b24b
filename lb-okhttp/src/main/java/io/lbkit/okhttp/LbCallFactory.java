package io.lbkit.okhttp;

import io.lbkit.Server;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.internal.Checks;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.EventListener;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * A {@link Call.Factory} whose calls run under an lbkit {@link LoadBalancer}: every attempt is an
 * OkHttp call of its own on the given client, so the balancer may run several at once. This is
 * the way in for {@code Failover.hedged(...)}, {@code forking}, {@code broadcast} and {@code
 * failBack}, which {@link LbInterceptor} refuses; the sequential modes work here too.
 *
 * <pre>{@code
 * LbCallFactory inventory = LbCallFactory.builder(http, lb).service("inventory").build();
 * Request get = new Request.Builder().url(inventory.url("lb://inventory/items/42")).build();
 * try (Response r = inventory.newCall(get).execute()) { ... }
 * }</pre>
 *
 * <p>Addresses, idempotency, outcomes and {@code Retry-After} follow the rules of {@link
 * LbInterceptor}, with one difference: every request must name the service (another host, a port
 * or user info is refused with an {@link IllegalArgumentException} by {@link #newCall}). A
 * non-idempotent call is never hedged or forked.
 *
 * <p><b>Time.</b> The call's {@link Call#timeout()} (the client's {@code callTimeout} unless the
 * caller changes it before {@code execute} or {@code enqueue}) is the deadline of all attempts,
 * on the balancer's ticker: each attempt's own OkHttp call gets what is left, at most the {@link
 * Builder#attemptTimeout attempt timeout}, as its call timeout, and no attempt starts with
 * nothing left. A hanging server thus costs at most one attempt timeout.
 *
 * <p><b>Connections.</b> A hedge or fork copy that lost while in flight has its OkHttp call
 * cancelled, which closes its connection; one that answered after the call had its answer is
 * closed, which returns its connection to the pool (OkHttp drains a short remainder on close).
 * An answer a user classifier rejects is closed before the next attempt under a sequential mode,
 * and when the call ends under a parallel one.
 *
 * <p><b>Threading.</b> Thread-safe. No thread is started here. {@code execute()} blocks the
 * caller until the call ends: under a sequential mode its attempts run on the caller's thread,
 * as blocking OkHttp calls; under a parallel mode on the client's dispatcher, timers on the
 * balancer's scheduler. {@code enqueue} always runs on the dispatcher and calls back on one of
 * its threads. {@link Call#cancel()} cancels
 * every attempt in flight and any pending retry. The client and the balancer stay the caller's.
 */
public final class LbCallFactory implements Call.Factory {
  private final OkHttpClient client;
  private final Settings settings;
  private final LoadBalancer balancer;
  private final boolean sequential;

  private LbCallFactory(OkHttpClient client, Settings settings) {
    this.client = client;
    this.settings = settings;
    this.balancer = settings.balancer;
    this.sequential = !balancer.failover().sendsCopies();
  }

  /**
   * Starts a factory over {@code client} and {@code balancer}; a {@link Builder#service service}
   * name must be set before {@link Builder#build()}.
   *
   * @param client the client every attempt is sent with; stays the caller's
   * @param balancer chooses each attempt's server and runs the failover mode; stays the caller's
   * @return a new builder
   * @throws NullPointerException if an argument is null
   */
  public static Builder builder(OkHttpClient client, LoadBalancer balancer) {
    return new Builder(client, balancer);
  }

  /**
   * A call of {@code request} under the balancer; nothing is sent before {@code execute()} or
   * {@code enqueue}. Its idempotency comes from {@link LbInterceptor#requestFor}.
   *
   * @param request a request whose host is this factory's service
   * @return the call
   * @throws NullPointerException if {@code request} is null
   * @throws IllegalArgumentException if the request's host is not the service, or it has a port
   *     or user info
   */
  @Override
  public Call newCall(Request request) {
    Checks.notNull(request, "request");
    HttpUrl url = request.url();
    settings.check(url, "request.url", url);
    return new LbCall(this, request);
  }

  /**
   * The URL for {@code lbUrl} that OkHttp accepts, as {@link LbInterceptor#url(String)} makes it.
   *
   * @param lbUrl {@code lb://} followed by this factory's service name and an optional path,
   *     query and fragment
   * @return the URL to build the request with
   * @throws NullPointerException if {@code lbUrl} is null
   * @throws IllegalArgumentException if {@code lbUrl} is not such a URL
   */
  public HttpUrl url(String lbUrl) {
    return settings.url(lbUrl);
  }

  /** {@return the balancer that chooses each attempt's server} */
  public LoadBalancer balancer() {
    return balancer;
  }

  /** {@return the client every attempt is sent with} */
  public OkHttpClient client() {
    return client;
  }

  /** {@return the service name request URLs must carry as their host} */
  public String service() {
    return settings.service;
  }

  /** Whether {@code execute()} may run on the caller's thread: no two attempts overlap. */
  boolean sequential() {
    return sequential;
  }

  /**
   * Runs one call on the caller's thread under a sequential mode: the balancer's blocking
   * execute, each attempt a blocking OkHttp call (no dispatcher thread per call).
   */
  Response execute(LbCall owner, long timeoutNanos) throws IOException {
    Request request = owner.request();
    Exchange x = new Exchange(settings, request, timeoutNanos, true);
    Object last;
    try {
      last = balancer.execute(LbInterceptor.requestFor(request),
          server -> attemptSync(owner, x, server));
    } catch (Throwable e) {
      return x.end(null, e);
    }
    return x.end(last, null);
  }

  private Response attemptSync(LbCall owner, Exchange x, Server server) throws IOException {
    Call call = newAttempt(owner, x, server);
    owner.running(call);
    Response response;
    try {
      response = call.execute();
    } catch (IOException e) {
      x.failed(e);
      if (owner.isCanceled()) {
        throw new Exchange.Stopped(e); // the caller cancelled: no blame, no retry
      }
      throw e;
    } finally {
      owner.running(null);
    }
    return x.accepted(server, response);
  }

  private Call newAttempt(LbCall owner, Exchange x, Server server) {
    Call call = client.newCall(x.attemptRequest(server));
    long limit = x.attemptBudgetNanos();
    if (limit != Long.MAX_VALUE) {
      call.timeout().timeout(limit, TimeUnit.NANOSECONDS);
    }
    List<EventListener> listeners = owner.listeners();
    if (listeners != null) {
      for (EventListener l : listeners) {
        call.addEventListener(l);
      }
    }
    return call;
  }

  /** Runs one call: the balancer's asynchronous execute, its end mapped to OkHttp's terms. */
  CompletableFuture<Response> start(LbCall call, long timeoutNanos) {
    Request request = call.request();
    Exchange x = new Exchange(settings, request, timeoutNanos, sequential);
    CompletableFuture<Object> promise = balancer.executeAsync(LbInterceptor.requestFor(request),
        server -> attempt(call, x, server));
    CompletableFuture<Response> result = new CompletableFuture<>();
    promise.whenComplete((last, error) -> {
      try {
        result.complete(x.end(last, error));
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    });
    result.whenComplete((r, e) -> {
      if (result.isCancelled()) {
        promise.cancel(true);
      }
    });
    return result;
  }

  /** One attempt on {@code server}: its own OkHttp call, cancelled if the attempt is. */
  private CompletableFuture<Object> attempt(LbCall owner, Exchange x, Server server) {
    Call call = newAttempt(owner, x, server);
    CompletableFuture<Object> f = new CompletableFuture<>();
    call.enqueue(new Callback() {
      @Override
      public void onFailure(Call c, IOException e) {
        if (!f.isDone()) {
          x.failed(e);
        }
        f.completeExceptionally(e);
      }

      @Override
      public void onResponse(Call c, Response response) {
        try {
          f.complete(x.accepted(server, response)); // if the attempt was cancelled, settle closes it
        } catch (IOException | RuntimeException e) {
          f.completeExceptionally(e); // never left pending: the call would wait forever
        }
      }
    });
    // A dependent future's cancel does not reach its source: a lost or abandoned attempt cancels
    // its OkHttp call, which closes its connection.
    f.whenComplete((v, e) -> {
      if (e instanceof CancellationException) {
        call.cancel();
      }
    });
    return f;
  }

  @Override
  public String toString() {
    return "LbCallFactory{http://" + settings.service + " -> " + settings.scheme + "://<server>"
        + settings.basePath + ", " + balancer + '}';
  }

  /** Builds an {@link LbCallFactory}; every setter validates at once, {@link #build()} the rest. */
  public static final class Builder {
    private final OkHttpClient client;
    private final Settings settings;

    private Builder(OkHttpClient client, LoadBalancer balancer) {
      this.client = Checks.notNull(client, "client");
      this.settings = new Settings(balancer);
    }

    /**
     * Required: the service name, the host of every request URL ({@code inventory} in {@code
     * http://inventory/items/42}); compared ignoring case, as host names are.
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
     * A path put before every request's path, as {@link LbInterceptor.Builder#basePath}.
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
      settings.attemptTimeout(timeout);
      return this;
    }

    /**
     * The longest {@code Retry-After} wait honoured (default {@link
     * LbInterceptor#DEFAULT_MAX_RETRY_AFTER}); an answer asking for longer ends the call with it.
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
     * How much of a 5xx or 429 answer's body is kept for the caller (default {@link
     * LbInterceptor#DEFAULT_MAX_ERROR_BODY_BYTES}); the rest is read and dropped.
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
     * Builds the factory.
     *
     * @return the factory
     * @throws IllegalStateException if no service name was set
     */
    public LbCallFactory build() {
      settings.checkBuilt();
      return new LbCallFactory(client, settings.copy());
    }
  }
}
