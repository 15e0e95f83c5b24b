package io.lbkit.okhttp;

import io.lbkit.internal.Checks;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import kotlin.jvm.JvmClassMappingKt;
import kotlin.jvm.functions.Function0;
import kotlin.reflect.KClass;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.EventListener;
import okhttp3.Request;
import okhttp3.Response;
import okio.Timeout;

/**
 * A call of {@link LbCallFactory}: once executed or enqueued, the balancer runs its attempts,
 * each an OkHttp call of its own. Its {@link #timeout()} starts as the client's call timeout and
 * is read when the call starts.
 */
final class LbCall implements Call {
  private final LbCallFactory factory;
  private final Request request;
  private final Timeout timeout = new Timeout();
  private final AtomicBoolean executed = new AtomicBoolean();
  // Made at the first listener or tag: most calls have neither, and every call pays for these.
  private volatile List<EventListener> listeners;
  private volatile Map<Class<?>, Object> tags;
  private volatile CompletableFuture<Response> running;
  private volatile Call attempt; // the blocking attempt in flight, under a sequential mode
  private volatile boolean canceled;

  LbCall(LbCallFactory factory, Request request) {
    this.factory = factory;
    this.request = request;
    timeout.timeout(factory.client().callTimeoutMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public Request request() {
    return request;
  }

  @Override
  public Response execute() throws IOException {
    if (factory.sequential()) {
      claim();
      if (canceled) {
        throw new IOException("Canceled");
      }
      return factory.execute(this, timeout.timeoutNanos());
    }
    CompletableFuture<Response> f = start();
    try {
      return f.get();
    } catch (InterruptedException e) {
      cancel();
      Thread.currentThread().interrupt();
      InterruptedIOException stop = new InterruptedIOException("interrupted: " + request.url());
      stop.initCause(e);
      throw stop;
    } catch (CancellationException e) {
      throw canceledError(e);
    } catch (ExecutionException e) {
      Throwable cause = Exchange.unwrap(e);
      if (cause instanceof IOException) {
        throw (IOException) cause;
      }
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new IOException(cause);
    }
  }

  @Override
  public void enqueue(Callback callback) {
    Checks.notNull(callback, "callback");
    start().whenComplete((r, e) -> {
      if (e == null) {
        try {
          callback.onResponse(this, r);
        } catch (IOException ioe) {
          r.close(); // as OkHttp does: the callback gave up on the answer
        }
        return;
      }
      Throwable cause = Exchange.unwrap(e);
      callback.onFailure(this, cause instanceof IOException ? (IOException) cause
          : cause instanceof CancellationException ? canceledError(cause)
          : new IOException(cause));
    });
  }

  private void claim() {
    if (!executed.compareAndSet(false, true)) {
      throw new IllegalStateException("Already Executed");
    }
  }

  /** The blocking attempt now in flight (null: none); cancelled at once if this call is. */
  void running(Call call) {
    attempt = call;
    if (call != null && canceled) {
      call.cancel(); // cancel() ran before the attempt was published
    }
  }

  private CompletableFuture<Response> start() {
    claim();
    if (canceled) {
      return CompletableFuture.failedFuture(new IOException("Canceled"));
    }
    CompletableFuture<Response> f = factory.start(this, timeout.timeoutNanos());
    running = f;
    if (canceled) {
      f.cancel(true); // cancel() ran before running was set
    }
    return f;
  }

  private static IOException canceledError(Throwable cause) {
    IOException e = new IOException("Canceled");
    e.initCause(cause);
    return e;
  }

  @Override
  public void cancel() {
    canceled = true;
    CompletableFuture<Response> f = running;
    if (f != null) {
      f.cancel(true);
    }
    Call a = attempt;
    if (a != null) {
      a.cancel();
    }
  }

  @Override
  public boolean isExecuted() {
    return executed.get();
  }

  @Override
  public boolean isCanceled() {
    return canceled;
  }

  @Override
  public Timeout timeout() {
    return timeout;
  }

  @Override
  public void addEventListener(EventListener listener) {
    Checks.notNull(listener, "listener");
    List<EventListener> l = listeners;
    if (l == null) {
      synchronized (this) {
        l = listeners;
        if (l == null) {
          l = new CopyOnWriteArrayList<>();
          listeners = l;
        }
      }
    }
    l.add(listener);
  }

  /** The listeners added so far, for each attempt's call; null for none. */
  List<EventListener> listeners() {
    return listeners;
  }

  @Override
  public <T> T tag(KClass<T> type) {
    return tag(JvmClassMappingKt.getJavaClass(type));
  }

  @Override
  public <T> T tag(Class<? extends T> type) {
    Map<Class<?>, Object> m = tags;
    Object t = m == null ? null : m.get(type);
    return t != null ? cast(t) : request.tag(type);
  }

  @Override
  public <T> T tag(KClass<T> type, Function0<? extends T> computeIfAbsent) {
    return tag(JvmClassMappingKt.getJavaClass(type), computeIfAbsent);
  }

  @Override
  public <T> T tag(Class<T> type, Function0<? extends T> computeIfAbsent) {
    Map<Class<?>, Object> m = tags;
    if (m == null) {
      synchronized (this) {
        m = tags;
        if (m == null) {
          m = new ConcurrentHashMap<>();
          tags = m;
        }
      }
    }
    return type.cast(m.computeIfAbsent(type, k -> computeIfAbsent.invoke()));
  }

  @SuppressWarnings("unchecked")
  private static <T> T cast(Object o) {
    return (T) o;
  }

  @Override
  public Call clone() {
    return new LbCall(factory, request);
  }

  @Override
  public String toString() {
    return "LbCall{" + request.method() + " " + request.url() + '}';
  }
}
