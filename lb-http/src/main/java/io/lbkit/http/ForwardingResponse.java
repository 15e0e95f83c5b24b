package io.lbkit.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/** A JDK response seen through another body: everything but {@link #body()} is the original's. */
abstract class ForwardingResponse<T> implements HttpResponse<T> {
  private final HttpResponse<?> original;

  ForwardingResponse(HttpResponse<?> original) {
    this.original = original;
  }

  @Override
  public int statusCode() {
    return original.statusCode();
  }

  @Override
  public HttpRequest request() {
    return original.request();
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Optional<HttpResponse<T>> previousResponse() {
    return (Optional) original.previousResponse(); // earlier hops of a redirect; bodies unused
  }

  @Override
  public HttpHeaders headers() {
    return original.headers();
  }

  @Override
  public Optional<SSLSession> sslSession() {
    return original.sslSession();
  }

  @Override
  public URI uri() {
    return original.uri();
  }

  @Override
  public HttpClient.Version version() {
    return original.version();
  }
}
