package io.lbkit.http;

import io.lbkit.failover.RetryHint;
import java.net.http.HttpResponse;

/**
 * A 5xx or 429 answer as the balancer sees it: the JDK's response with its body already read
 * ({@link #body()} is the kept bytes), and the wait its {@code Retry-After} asks for as a {@link
 * RetryHint}. If it is the answer the caller gets, {@link Exchange} hands its bytes to the
 * caller's body handler; it is also the {@link HttpResponse.ResponseInfo} that handler is given.
 */
final class ErrorResponse extends ForwardingResponse<Object>
    implements HttpResponse.ResponseInfo, RetryHint {
  final ErrorBody body;
  private final long retryDelayNanos;

  ErrorResponse(HttpResponse<Object> response, ErrorBody body, long retryDelayNanos) {
    super(response);
    this.body = body;
    this.retryDelayNanos = retryDelayNanos;
  }

  @Override
  public long retryDelayNanos() {
    return retryDelayNanos;
  }

  /** {@return the body's first bytes, as kept (see {@link ErrorBody})} */
  @Override
  public Object body() {
    return body.bytes;
  }

  @Override
  public String toString() {
    return "(" + request().method() + " " + uri() + ") " + statusCode() + " [body read: "
        + body.bytes.length + " bytes kept, " + body.dropped + " dropped]";
  }
}
