package io.lbkit.okhttp;

import io.lbkit.LoadReport;
import io.lbkit.NoServerAvailableException;
import io.lbkit.Server;
import io.lbkit.failover.FailedResultException;
import io.lbkit.failover.RetryHint;
import io.lbkit.internal.LoadReportHeader;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;

/**
 * One call through either adapter: the caller's request, its deadline, each attempt's request,
 * the last outcome, and the answers to close once the call has its final one. Attempts may run
 * concurrently (hedge copies, under {@link LbCallFactory}) and end on any thread.
 *
 * <p>The call's end: the answer the balancer settled on; the answer inside an {@link
 * ErrorResponseException} or a {@link FailedResultException} when it ended on one; and when it
 * stopped because the deadline left no time ({@link DeadlineExceeded}) or a fail-safe fallback
 * gave no {@link Response}, the last attempt's own outcome. Every other answer is closed.
 */
final class Exchange {
  private final Settings settings;
  private final Request request;
  private final HttpUrl url;
  private final AttemptUrls.Tail tail; // what every attempt's URL shares
  private final boolean hasDeadline;
  private final long deadline;
  private final boolean sequential;

  // The last attempt to end: its answer, or its error. Hedge copies may race; either is a fair
  // "last outcome" for a call that ran out of time.
  private volatile Object lastResult;
  private volatile Throwable lastError;

  // Answers whose bodies hold a connection, guarded by this: the first, and any more in a list
  // (most calls have one answer, which then costs no list).
  private Response open;
  private List<Response> moreOpen;
  private boolean settled;
  private Object settledOn;

  /**
   * {@code timeoutNanos}: the call's whole budget, 0 for none (OkHttp's convention). {@code
   * sequential}: no two attempts ever overlap, so an answer still open when the next attempt
   * starts is one the balancer rejected.
   */
  Exchange(Settings settings, Request request, long timeoutNanos, boolean sequential) {
    this.settings = settings;
    this.sequential = sequential;
    this.request = request;
    this.url = request.url();
    this.tail = settings.tail(url);
    this.hasDeadline = timeoutNanos > 0;
    this.deadline = hasDeadline ? settings.ticker.read() + timeoutNanos : 0L;
  }

  // ---- attempts

  /**
   * The request of one attempt: the caller's, sent to {@code server}. Under a sequential mode,
   * the answers of earlier attempts are closed first: they were rejected, and their connections
   * should serve this attempt (OkHttp's chain even refuses a new exchange while one is open).
   *
   * @throws DeadlineExceeded when no time is left: the attempt is abandoned, not failed, so the
   *     server is not blamed and the call ends
   */
  Request attemptRequest(Server server) {
    if (hasDeadline && deadline - settings.ticker.read() <= 0) {
      throw new DeadlineExceeded(request);
    }
    if (sequential) {
      closeOpen();
    }
    return request.newBuilder().url(settings.target(tail, server)).build();
  }

  /** What is left for one attempt, at most the attempt timeout; Long.MAX_VALUE for no limit. */
  long attemptBudgetNanos() {
    long limit = settings.attemptTimeoutNanos;
    if (hasDeadline) {
      limit = Math.min(limit, Math.max(1L, deadline - settings.ticker.read()));
    }
    return limit;
  }

  /** Whether the deadline has passed (a cancelled OkHttp call then timed out). */
  boolean expired() {
    return hasDeadline && deadline - settings.ticker.read() <= 0;
  }

  /**
   * An attempt's answer as the balancer gets it: returned for a 1xx-4xx, thrown as an {@link
   * ErrorResponseException} (its body read and the original closed) for a 5xx or 429. Its
   * {@code endpoint-load-metrics} header, if any, is reported for {@code server} first.
   */
  Response accepted(Server server, Response response) throws ErrorResponseException {
    LoadReportHeader.report(settings.balancer.tracker(), server,
        response.header(LoadReport.HEADER));
    int code = response.code();
    if (code >= 500 || code == 429) {
      Response kept;
      try {
        kept = buffered(response, settings.maxErrorBodyBytes);
      } catch (IOException e) {
        kept = response.newBuilder().body(ResponseBody.create(new byte[0], null)).build();
      }
      ErrorResponseException e = new ErrorResponseException(kept, hintFor(kept));
      lastError = e;
      lastResult = null;
      throw e;
    }
    record(response);
    lastResult = response;
    lastError = null;
    return response;
  }

  /** Notes an attempt's I/O error as the last outcome. */
  void failed(Throwable error) {
    lastError = error;
    lastResult = null;
  }

  /** The first {@code max} bytes kept, the rest read and dropped, the original body closed. */
  private static Response buffered(Response response, int max) throws IOException {
    ResponseBody body = response.body();
    Buffer kept = new Buffer();
    try (body) {
      BufferedSource source = body.source();
      while (kept.size() < max && source.read(kept, max - kept.size()) != -1) {
        // reading up to max
      }
      Buffer drop = new Buffer();
      while (source.read(drop, 8192) != -1) {
        drop.clear(); // the rest, so the connection is at the next answer when returned
      }
    }
    return response.newBuilder()
        .body(ResponseBody.create(kept, body.contentType(), kept.size())).build();
  }

  private long hintFor(Response response) {
    long wait = RetryAfter.nanos(response.headers(), settings.clock);
    if (wait < 0) {
      return RetryHint.NO_HINT;
    }
    if (wait > settings.maxRetryAfterNanos
        || (hasDeadline && wait >= deadline - settings.ticker.read())) {
      return RetryHint.NO_RETRY; // waiting could only end in a timeout: this answer stands
    }
    return wait;
  }

  // ---- the call's end

  /**
   * The answer the caller gets when the balancer returned {@code last} or threw {@code error}
   * (one of the two is meaningful); every other answer is closed.
   *
   * @throws IOException the last attempt's I/O error
   */
  Response end(Object last, Throwable error) throws IOException {
    if (error == null) {
      if (last instanceof Response) {
        settle(last);
        return (Response) last;
      }
      // a fail-safe fallback that is no Response (failSafe(): null)
      return lastOutcome("the fail-safe fallback gave " + last + ", no OkHttp Response");
    }
    Throwable e = unwrap(error);
    if (e instanceof ErrorResponseException) {
      settle(null);
      return ((ErrorResponseException) e).response();
    }
    if (e instanceof FailedResultException
        && ((FailedResultException) e).result() instanceof Response) {
      Response r = (Response) ((FailedResultException) e).result();
      settle(r);
      return r;
    }
    if (e instanceof DeadlineExceeded) {
      return lastOutcome(e.getMessage());
    }
    settle(null);
    if (e instanceof NoServerAvailableException) {
      // OkHttp's callers handle IOExceptions: an unchecked one would escape enqueue's callback
      throw new IOException(request.method() + " " + url + ": " + e.getMessage(), e);
    }
    if (e instanceof Stopped) {
      throw ((Stopped) e).io;
    }
    if (e instanceof IOException) {
      throw (IOException) e;
    }
    if (e instanceof CancellationException) {
      InterruptedIOException stop = new InterruptedIOException("Canceled");
      stop.initCause(e);
      throw stop;
    }
    if (e instanceof RuntimeException) {
      throw (RuntimeException) e;
    }
    if (e instanceof Error) {
      throw (Error) e;
    }
    throw new IOException(e);
  }

  /**
   * The last attempt's own outcome, for a call the balancer ended without one of its own; {@code
   * why} the balancer stopped, for the error when no attempt ended.
   */
  private Response lastOutcome(String why) throws IOException {
    Object last = lastResult;
    if (last != null) {
      settle(last);
      return (Response) last;
    }
    settle(null);
    Throwable e = lastError;
    if (e instanceof ErrorResponseException) {
      return ((ErrorResponseException) e).response();
    }
    if (e instanceof IOException) {
      throw (IOException) e;
    }
    if (e instanceof RuntimeException) {
      throw (RuntimeException) e;
    }
    throw new IOException(request.method() + " " + url + ": no attempt ended; " + why);
  }

  // ---- closing answers the caller does not get

  /**
   * Closes the answers recorded so far (only a user classifier rejects a 1xx-4xx answer). Called
   * under sequential modes only, where each attempt's answer was recorded before the next attempt
   * starts (on this thread, or on the one whose completion started it), so "none" needs no lock.
   */
  private void closeOpen() {
    if (open == null && moreOpen == null) {
      return;
    }
    synchronized (this) {
      closeAllBut(null);
    }
  }

  private synchronized void record(Response response) {
    if (settled) {
      if (response != settledOn) {
        response.close(); // a copy that finished after the call had its answer
      }
      return;
    }
    if (open == null) {
      open = response;
      return;
    }
    if (moreOpen == null) {
      moreOpen = new ArrayList<>(2);
    }
    moreOpen.add(response);
  }

  /** The call has its answer {@code fin} (null: none): every other open answer is closed. */
  private synchronized void settle(Object fin) {
    settled = true;
    settledOn = fin;
    closeAllBut(fin);
  }

  /** Closes every open answer but {@code kept}; the caller holds this. */
  private void closeAllBut(Object kept) {
    if (open != null) {
      if (open != kept) {
        open.close();
      }
      open = null;
    }
    if (moreOpen != null) {
      for (Response r : moreOpen) {
        if (r != kept) {
          r.close();
        }
      }
      moreOpen = null;
    }
  }

  static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * Thrown by an attempt that would start with no time left: a cancellation, so the balancer
   * ends the attempt without blaming its server and retries nothing.
   */
  static final class DeadlineExceeded extends CancellationException {
    private static final long serialVersionUID = 1L;

    DeadlineExceeded(Request request) {
      super(request.method() + " " + request.url()
          + ": the call timeout is spent, no time left for another attempt");
    }
  }

  /**
   * An attempt whose OkHttp call was cancelled by its caller: a cancellation to the balancer (no
   * blame, no retry), ending the call with OkHttp's own exception.
   */
  static final class Stopped extends CancellationException {
    private static final long serialVersionUID = 1L;
    final transient IOException io;

    Stopped(IOException io) {
      super(io.getMessage());
      this.io = io;
      initCause(io);
    }
  }
}
