package io.lbkit.http;

import io.lbkit.Server;
import io.lbkit.failover.RetryHint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call of {@link LbHttpClient}: the request and the caller's body handler, the deadline, each
 * attempt's request, the last outcome, and the answers to release once the call has its final
 * one. Attempts may run concurrently (hedge copies) and end on any thread.
 *
 * <p>The call's end: the answer the balancer settled on, or, when it stopped because the deadline
 * left no time for another attempt ({@link DeadlineExceeded}), the last attempt's own outcome.
 * Every answer recorded that is not the final one has its body released.
 */
final class Exchange<T> {
  private static final Logger log = LoggerFactory.getLogger(Exchange.class);
  private static final BiPredicate<String, String> ALL_HEADERS = (name, value) -> true;

  private final LbHttpClient owner;
  private final HttpRequest request;
  private final BodyHandler<T> handler;
  private final String tail;
  private final URI tailRef; // null: each attempt parses its whole URI
  private final boolean hasDeadline;
  private final long deadline;
  private final BodyHandler<Object> attemptHandler = this::bodyFor;

  // The last attempt to end: its answer, or its error. Hedge copies may race; either is a fair
  // "last outcome" for a call that ran out of time.
  private volatile Object lastResult;
  private volatile Throwable lastError;

  // Answers whose bodies hold a connection or a stream, guarded by this.
  private List<HttpResponse<?>> open;
  private boolean settled;
  private Object settledOn;

  Exchange(LbHttpClient owner, HttpRequest request, BodyHandler<T> handler, String tail) {
    this.owner = owner;
    this.request = request;
    this.handler = handler;
    this.tail = tail;
    this.tailRef = LbHttpClient.tailRef(tail);
    Optional<Duration> timeout = request.timeout();
    this.hasDeadline = timeout.isPresent();
    this.deadline = hasDeadline ? owner.ticker.read() + timeout.get().toNanos() : 0L;
  }

  // ---- attempts

  /** One blocking attempt on {@code server}, for {@code LoadBalancer.execute}. */
  Object attempt(Server server) throws IOException, InterruptedException {
    HttpRequest r = attemptRequest(server);
    HttpResponse<Object> response;
    try {
      response = owner.http.send(r, attemptHandler);
    } catch (IOException | RuntimeException e) {
      lastError = e;
      lastResult = null;
      throw e;
    }
    owner.reportLoad(server, response);
    return accepted(response);
  }

  /** One asynchronous attempt on {@code server}, for {@code LoadBalancer.executeAsync}. */
  CompletableFuture<Object> attemptAsync(Server server) {
    HttpRequest r = attemptRequest(server);
    CompletableFuture<HttpResponse<Object>> sent = owner.http.sendAsync(r, attemptHandler);
    CompletableFuture<Object> attempt = new CompletableFuture<>();
    sent.whenComplete((response, error) -> {
      if (error != null) {
        Throwable cause = unwrap(error);
        if (!(cause instanceof CancellationException)) {
          lastError = cause;
          lastResult = null;
        }
        attempt.completeExceptionally(cause);
      } else {
        owner.reportLoad(server, response);
        attempt.complete(accepted(response)); // if cancelled meanwhile, settle() releases it
      }
    });
    // A dependent future's cancel does not reach its source: a lost or abandoned attempt cancels
    // the JDK's exchange itself, which aborts it and closes its connection.
    attempt.whenComplete((v, e) -> {
      if (e instanceof CancellationException) {
        sent.cancel(true);
      }
    });
    return attempt;
  }

  /**
   * The request of one attempt: the caller's, sent to {@code server}, with what is left of the
   * deadline (at most the attempt timeout) as its timeout.
   *
   * @throws DeadlineExceeded when no time is left: the attempt is abandoned, not failed, so the
   *     server is not blamed and the call ends
   */
  private HttpRequest attemptRequest(Server server) {
    long limit = owner.attemptTimeoutNanos;
    if (hasDeadline) {
      long left = deadline - owner.ticker.read();
      if (left <= 0) {
        throw new DeadlineExceeded(request);
      }
      limit = Math.min(limit, left);
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(request, ALL_HEADERS)
        .uri(owner.target(server, tail, tailRef));
    if (limit != Long.MAX_VALUE) {
      b.timeout(Duration.ofNanos(limit));
    }
    return b.build();
  }

  /** Where an attempt's body goes: error bodies are read here, others into the caller's handler. */
  @SuppressWarnings("unchecked")
  private BodySubscriber<Object> bodyFor(HttpResponse.ResponseInfo info) {
    int status = info.statusCode();
    if (status >= 500 || status == 429) {
      return ErrorBody.subscriber(owner.maxErrorBodyBytes);
    }
    return (BodySubscriber<Object>) handler.apply(info);
  }

  /** An attempt's answer as the balancer gets it; noted as the last outcome. */
  private Object accepted(HttpResponse<Object> response) {
    Object result;
    if (response.body() instanceof ErrorBody) {
      result = new ErrorResponse(response, (ErrorBody) response.body(), hintFor(response));
    } else {
      result = response;
      if (holdsResources(response.body())) {
        record(response);
      }
    }
    lastResult = result;
    lastError = null;
    return result;
  }

  /** The wait an error answer's {@code Retry-After} asks for, as the balancer's retry reads it. */
  private long hintFor(HttpResponse<?> response) {
    long wait = RetryAfter.nanos(response.headers(), owner.clock);
    if (wait < 0) {
      return RetryHint.NO_HINT;
    }
    if (wait > owner.maxRetryAfterNanos
        || (hasDeadline && wait >= deadline - owner.ticker.read())) {
      return RetryHint.NO_RETRY; // waiting could only end in a timeout: this answer stands
    }
    return wait;
  }

  // ---- the call's end

  /** The end of a blocking call whose balancer returned {@code last}. */
  HttpResponse<T> finishSync(Object last) throws IOException {
    settle(last);
    if (last instanceof ErrorResponse) {
      try {
        return replay((ErrorResponse) last).join();
      } catch (CompletionException e) {
        throw asIoException(unwrap(e));
      }
    }
    return cast(last);
  }

  /** The end of a blocking call whose balancer threw {@code error}. */
  HttpResponse<T> endSync(Throwable error) throws IOException, InterruptedException {
    if (error instanceof DeadlineExceeded) {
      Object last = lastResult;
      if (last != null) {
        return finishSync(last);
      }
      settle(null);
      throw Exchange.<RuntimeException>sneaky(lastErrorOr((DeadlineExceeded) error));
    }
    settle(null);
    if (error instanceof CancellationException
        && error.getCause() instanceof InterruptedException) {
      Thread.interrupted(); // hedged copies were cancelled; report it as HttpClient.send does
      InterruptedException stop = new InterruptedException("interrupted while waiting for "
          + request.method() + " " + request.uri());
      stop.initCause(error);
      throw stop;
    }
    throw Exchange.<RuntimeException>sneaky(error); // IOException, InterruptedException, unchecked
  }

  /** The end of an asynchronous call, completing {@code result}. */
  void endAsync(Object last, Throwable error, CompletableFuture<HttpResponse<T>> result) {
    Throwable e = error == null ? null : unwrap(error);
    Object fin = last;
    if (e instanceof DeadlineExceeded && lastResult != null) {
      fin = lastResult;
      e = null;
    }
    if (e != null) {
      settle(null);
      result.completeExceptionally(e instanceof DeadlineExceeded
          ? lastErrorOr((DeadlineExceeded) e) : e);
      return;
    }
    settle(fin);
    if (fin instanceof ErrorResponse) {
      replay((ErrorResponse) fin).whenComplete((r, x) -> {
        if (x != null) {
          result.completeExceptionally(unwrap(x));
        } else {
          result.complete(r);
        }
      });
    } else {
      result.complete(cast(fin));
    }
  }

  private Throwable lastErrorOr(DeadlineExceeded stop) {
    Throwable e = lastError;
    if (e != null) {
      return e;
    }
    HttpTimeoutException timeout = new HttpTimeoutException(stop.getMessage());
    timeout.initCause(stop);
    return timeout;
  }

  @SuppressWarnings("unchecked")
  private HttpResponse<T> cast(Object r) {
    return (HttpResponse<T>) r;
  }

  /** Hands a kept error body to the caller's handler, as if it had just arrived. */
  private CompletableFuture<HttpResponse<T>> replay(ErrorResponse r) {
    BodySubscriber<T> subscriber = handler.apply(r);
    subscriber.onSubscribe(new Replay(r.body.bytes, subscriber));
    return subscriber.getBody().toCompletableFuture()
        .thenApply(body -> new ReplayedResponse<>(r, body));
  }

  /** One buffer, then the end, delivered on the first request for more. */
  private static final class Replay implements Flow.Subscription {
    private final byte[] bytes;
    private final Flow.Subscriber<? super List<ByteBuffer>> subscriber;
    private final AtomicBoolean done = new AtomicBoolean();

    Replay(byte[] bytes, Flow.Subscriber<? super List<ByteBuffer>> subscriber) {
      this.bytes = bytes;
      this.subscriber = subscriber;
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        if (done.compareAndSet(false, true)) {
          subscriber.onError(new IllegalArgumentException("request: " + n + " (expected: > 0)"));
        }
        return;
      }
      if (done.compareAndSet(false, true)) {
        if (bytes.length > 0) {
          subscriber.onNext(List.of(ByteBuffer.wrap(bytes).asReadOnlyBuffer()));
        }
        subscriber.onComplete();
      }
    }

    @Override
    public void cancel() {
      done.set(true);
    }
  }

  // ---- releasing answers the caller does not get

  private static boolean holdsResources(Object body) {
    return body instanceof AutoCloseable || body instanceof Flow.Publisher;
  }

  private synchronized void record(HttpResponse<?> response) {
    if (settled) {
      if (response != settledOn) {
        release(response); // a copy that finished after the call had its answer
      }
      return;
    }
    if (open == null) {
      open = new ArrayList<>(2);
    }
    open.add(response);
  }

  /** The call has its answer {@code fin} (null: it failed): every other open answer is released. */
  private synchronized void settle(Object fin) {
    settled = true;
    settledOn = fin;
    if (open != null) {
      for (HttpResponse<?> r : open) {
        if (r != fin) {
          release(r);
        }
      }
      open = null;
    }
  }

  private static void release(HttpResponse<?> response) {
    Object body = response.body();
    try {
      if (body instanceof AutoCloseable) {
        ((AutoCloseable) body).close();
      } else if (body instanceof Flow.Publisher) {
        ((Flow.Publisher<?>) body).subscribe(new Flow.Subscriber<Object>() {
          @Override
          public void onSubscribe(Flow.Subscription s) {
            s.cancel();
          }

          @Override
          public void onNext(Object item) {}

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onComplete() {}
        });
      }
    } catch (Exception e) {
      log.debug("releasing the body of {} failed", response, e);
    }
  }

  // ---- errors

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static IOException asIoException(Throwable e) {
    if (e instanceof IOException) {
      return (IOException) e;
    }
    if (e instanceof UncheckedIOException) {
      return ((UncheckedIOException) e).getCause();
    }
    return new IOException("the body handler failed on the final answer", e);
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> E sneaky(Throwable t) throws E {
    throw (E) t;
  }

  /**
   * Thrown by an attempt that would start with no time left: a cancellation, so the balancer
   * ends the attempt without blaming its server and retries nothing.
   */
  static final class DeadlineExceeded extends CancellationException {
    private static final long serialVersionUID = 1L;

    DeadlineExceeded(HttpRequest request) {
      super(request.method() + " " + request.uri() + ": the request timeout "
          + request.timeout().orElseThrow() + " is spent, no time left for another attempt");
    }
  }
}
