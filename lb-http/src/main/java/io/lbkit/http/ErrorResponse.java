package io.lbkit.http;

import io.lbkit.failover.RetryHint;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/**
 * A 5xx or 429 answer as the balancer sees it: the JDK's response with its body already read
 * ({@link #body()} is the kept bytes), and the wait its {@code Retry-After} asks for as a {@link
 * RetryHint}. If it is the answer the caller gets, {@link Exchange} hands its bytes to the
 * caller's body handler; it is also the {@link HttpResponse.ResponseInfo} that handler is given.
 */
final class ErrorResponse implements HttpResponse<Object>, HttpResponse.ResponseInfo, RetryHint {
  private final HttpResponse<Object> response;
  final ErrorBody body;
  private final long retryDelayNanos;

  ErrorResponse(HttpResponse<Object> response, ErrorBody body, long retryDelayNanos) {
    this.response = response;
    this.body = body;
    this.retryDelayNanos = retryDelayNanos;
  }

  @Override
  public long retryDelayNanos() {
    return retryDelayNanos;
  }

  @Override
  public int statusCode() {
    return response.statusCode();
  }

  @Override
  public HttpRequest request() {
    return response.request();
  }

  @Override
  public Optional<HttpResponse<Object>> previousResponse() {
    return response.previousResponse();
  }

  @Override
  public HttpHeaders headers() {
    return response.headers();
  }

  /** {@return the body's first bytes, as kept (see {@link ErrorBody})} */
  @Override
  public Object body() {
    return body.bytes;
  }

  @Override
  public Optional<SSLSession> sslSession() {
    return response.sslSession();
  }

  @Override
  public URI uri() {
    return response.uri();
  }

  @Override
  public HttpClient.Version version() {
    return response.version();
  }

  @Override
  public String toString() {
    return "(" + request().method() + " " + uri() + ") " + statusCode() + " [body read: "
        + body.bytes.length + " bytes kept, " + body.dropped + " dropped]";
  }
}
