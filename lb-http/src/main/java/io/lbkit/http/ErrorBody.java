package io.lbkit.http;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * The body of a 5xx or 429 answer, read in full as it arrives (so the connection is free for the
 * next exchange whether or not the call is retried): the first {@code max} bytes kept, the rest
 * counted and dropped.
 */
final class ErrorBody {
  final byte[] bytes;
  final long dropped;

  private ErrorBody(byte[] bytes, long dropped) {
    this.bytes = bytes;
    this.dropped = dropped;
  }

  /** The subscriber that reads one error body; its body is an {@link ErrorBody}. */
  static BodySubscriber<Object> subscriber(int max) {
    return new Reader(max);
  }

  private static final class Reader implements BodySubscriber<Object> {
    private final int max;
    private final CompletableFuture<Object> body = new CompletableFuture<>();
    private ByteArrayOutputStream kept; // created on the first byte: most error bodies are small
    private long dropped;

    Reader(int max) {
      this.max = max;
    }

    @Override
    public CompletionStage<Object> getBody() {
      return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer b : items) {
        int room = max - (kept == null ? 0 : kept.size());
        int take = Math.min(room, b.remaining());
        if (take > 0) {
          if (kept == null) {
            kept = new ByteArrayOutputStream(Math.min(max, Math.max(take, 256)));
          }
          byte[] chunk = new byte[take];
          b.get(chunk);
          kept.write(chunk, 0, take);
        }
        dropped += b.remaining();
        b.position(b.limit());
      }
    }

    @Override
    public void onError(Throwable error) {
      body.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
      body.complete(new ErrorBody(kept == null ? new byte[0] : kept.toByteArray(), dropped));
    }
  }
}
