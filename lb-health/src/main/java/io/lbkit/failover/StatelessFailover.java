package io.lbkit.failover;

import io.lbkit.Request;
import java.util.concurrent.CompletableFuture;

/** A mode that keeps nothing per balancer: it runs on the engine alone. */
abstract sealed class StatelessFailover extends Failover
    permits FailFast, Retry, FailSafe, Forking, Broadcast, PrimaryBackup, ReadWrite {

  abstract <T, E extends Exception> T execute(Engine engine, Request request, Call<T, E> call)
      throws E;

  abstract <T> CompletableFuture<T> executeAsync(Engine engine, Request request,
      AsyncCall<T> call);

  @Override
  final Mode bind(Engine engine) {
    return new Mode() {
      @Override
      <T, E extends Exception> T execute(Request request, Call<T, E> call) throws E {
        return StatelessFailover.this.execute(engine, request, call);
      }

      @Override
      <T> CompletableFuture<T> executeAsync(Request request, AsyncCall<T> call) {
        return StatelessFailover.this.executeAsync(engine, request, call);
      }
    };
  }
}
