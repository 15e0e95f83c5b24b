package io.lbkit.grpc;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.LoadBalancerRegistry;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.NameResolverRegistry;
import io.grpc.ForwardingServerCall;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.lbkit.discovery.ServerSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real Netty gRPC servers on 127.0.0.1 (OS-chosen ports) with one hand-written unary method,
 * {@code lbkit.test.Echo/Call}, UTF-8 strings both ways: the answer is the server's name. A
 * request {@code "fail"} is answered UNAVAILABLE, {@code "hang"} is never answered (until the
 * client cancels). A server's {@link Backend#delayMillis} delays its answers, on a timer (no
 * thread blocks); its {@link Backend#trailers} are added to every answer. Also registers
 * providers under names unique to the test, and unregisters them.
 */
final class EchoServers implements AutoCloseable {
  static final MethodDescriptor.Marshaller<String> UTF8 = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(String value) {
      return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String parse(InputStream stream) {
      try {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  static final MethodDescriptor<String, String> CALL = MethodDescriptor.<String, String>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName("lbkit.test.Echo/Call")
      .setRequestMarshaller(UTF8)
      .setResponseMarshaller(UTF8)
      .build();

  private static final AtomicInteger NAMES = new AtomicInteger();

  final String scheme = "lbkit-test" + NAMES.incrementAndGet();
  final String policy = scheme + "-policy";
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "echo-timer");
    t.setDaemon(true);
    return t;
  });
  private final List<Backend> backends = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private LbkitNameResolverProvider resolver;
  private LbkitLoadBalancerProvider balancer;
  final ConcurrentHashMap<String, AtomicInteger> hits = new ConcurrentHashMap<>();
  final CountDownLatch hanging = new CountDownLatch(1);

  /** One server. */
  final class Backend {
    final String name;
    final Server server;
    volatile long delayMillis;
    /** Merged into each answer's trailers (a load report, say); none when null. */
    volatile Metadata trailers;

    Backend(String name) throws IOException {
      this.name = name;
      ServerServiceDefinition service = ServerServiceDefinition.builder("lbkit.test.Echo")
          .addMethod(CALL, ServerCalls.asyncUnaryCall((req, out) -> {
            hits.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
            if (req.equals("hang")) {
              hanging.countDown();
              return;
            }
            Runnable answer = () -> {
              if (req.equals("fail")) {
                out.onError(Status.UNAVAILABLE.withDescription("told to fail").asRuntimeException());
              } else {
                out.onNext(name);
                out.onCompleted();
              }
            };
            long d = delayMillis;
            if (d > 0) {
              timer.schedule(answer, d, TimeUnit.MILLISECONDS);
            } else {
              answer.run();
            }
          }))
          .build();
      ServerInterceptor addTrailers = new ServerInterceptor() {
        @Override
        public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call,
            Metadata headers, ServerCallHandler<Q, A> next) {
          return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata sent) {
              Metadata extra = trailers;
              if (extra != null) {
                sent.merge(extra);
              }
              super.close(status, sent);
            }
          }, headers);
        }
      };
      this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
          .addService(ServerInterceptors.intercept(service, addTrailers))
          .build()
          .start();
    }

    io.lbkit.Server lbkitServer() {
      return io.lbkit.Server.of("127.0.0.1", server.getPort());
    }
  }

  Backend start(String name) throws IOException {
    Backend b = new Backend(name);
    backends.add(b);
    return b;
  }

  int hits(String name) {
    AtomicInteger n = hits.get(name);
    return n == null ? 0 : n.get();
  }

  /** Registers both providers for {@code source} as service {@code svc}; returns a channel. */
  ManagedChannel channel(ServerSource source, LbkitLoadBalancerProvider.Builder policyBuilder) {
    resolver = LbkitNameResolverProvider.builder().scheme(scheme).source("svc", source).build();
    balancer = policyBuilder.policyName(policy).build();
    NameResolverRegistry.getDefaultRegistry().register(resolver);
    LoadBalancerRegistry.getDefaultRegistry().register(balancer);
    ManagedChannel ch = NettyChannelBuilder.forTarget(scheme + ":///svc")
        .defaultLoadBalancingPolicy(policy)
        .usePlaintext()
        .build();
    channels.add(ch);
    return ch;
  }

  /** One blocking call; its answer (the server's name). */
  static String call(ManagedChannel ch, String request) {
    return ClientCalls.blockingUnaryCall(ch, CALL, CallOptions.DEFAULT.withDeadlineAfter(10,
        TimeUnit.SECONDS), request);
  }

  /** Starts a call and returns it, with a latch counted down when it closes. */
  static ClientCall<String, String> start(ManagedChannel ch, String request, CountDownLatch closed,
      Status[] status) {
    ClientCall<String, String> call = ch.newCall(CALL, CallOptions.DEFAULT);
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onClose(Status s, Metadata trailers) {
        status[0] = s;
        closed.countDown();
      }
    }, new Metadata());
    call.sendMessage(request);
    call.halfClose();
    call.request(1);
    return call;
  }

  @Override
  public void close() throws InterruptedException {
    for (ManagedChannel ch : channels) {
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (resolver != null) {
      NameResolverRegistry.getDefaultRegistry().deregister(resolver);
      resolver.close();
    }
    if (balancer != null) {
      LoadBalancerRegistry.getDefaultRegistry().deregister(balancer);
    }
    for (Backend b : backends) {
      b.server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    timer.shutdownNow();
  }
}
