package io.lbkit.http;

/** An error answer the caller gets: the attempt's response, with the body its handler made. */
final class ReplayedResponse<T> extends ForwardingResponse<T> {
  private final T body;

  ReplayedResponse(ErrorResponse response, T body) {
    super(response);
    this.body = body;
  }

  @Override
  public T body() {
    return body;
  }

  @Override
  public String toString() {
    return "(" + request().method() + " " + uri() + ") " + statusCode();
  }
}
