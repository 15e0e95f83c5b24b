package io.lbkit.okhttp;

import io.lbkit.Server;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** Clients and addresses the tests share. */
final class Fixtures {
  private Fixtures() {}

  /** A port nothing listens on: connections to it are refused. */
  static Server refusedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return Server.of("127.0.0.1", s.getLocalPort());
    }
  }

  /**
   * An application interceptor recording every attempt, with the call timeout it ran under:
   * added after an {@link LbInterceptor}, it sees each attempt the balancer makes; on the client
   * of an {@link LbCallFactory}, each attempt's own call.
   */
  static final class Recorder implements Interceptor {
    final List<Request> sent = new CopyOnWriteArrayList<>();
    final List<Long> callTimeoutsNanos = new CopyOnWriteArrayList<>();

    @Override
    public Response intercept(Chain chain) throws IOException {
      sent.add(chain.request());
      callTimeoutsNanos.add(chain.call().timeout().timeoutNanos());
      return chain.proceed(chain.request());
    }

    long toPort(int port) {
      return sent.stream().filter(r -> r.url().port() == port).count();
    }
  }

  /** A plain client for the tests: 30 s read timeout, so only the tests' own limits apply. */
  static OkHttpClient.Builder client() {
    return new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(30));
  }
}
