package io.lbkit.failover;

import io.lbkit.Request;
import io.lbkit.Strategy;
import java.util.concurrent.CompletableFuture;

/**
 * Read/write splitting: a call whose {@link Request#isWrite()} is true goes to a primary (priority
 * 0) with a single attempt and never to a replica; other calls are reads, spread over the
 * replicas (priority > 0) by the balancer's strategy, or over the primaries when no replica can
 * be chosen, and retried on another server (default 3 attempts, no backoff). See {@link
 * ReadWriteStrategy}.
 */
final class ReadWrite extends StatelessFailover {
  static final int DEFAULT_READ_ATTEMPTS = 3;

  private final Retry reads;

  ReadWrite(Retry reads) {
    this.reads = reads;
  }

  @Override
  Strategy wrap(Strategy strategy) {
    return new ReadWriteStrategy(strategy);
  }

  @Override
  <T, E extends Exception> T execute(Engine engine, Request request, Call<T, E> call)
      throws E {
    return request.isWrite() ? FailFast.INSTANCE.execute(engine, request, call)
        : reads.execute(engine, request, call);
  }

  @Override
  <T> CompletableFuture<T> executeAsync(Engine engine, Request request, AsyncCall<T> call) {
    return request.isWrite() ? FailFast.INSTANCE.executeAsync(engine, request, call)
        : reads.executeAsync(engine, request, call);
  }

  @Override
  public String toString() {
    return "readWrite(reads " + reads + ")";
  }
}
