package io.lbkit.bench;

import io.grpc.CallOptions;
import io.grpc.LoadBalancerRegistry;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.NameResolverRegistry;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.lbkit.Server;
import io.lbkit.discovery.ServerSource;
import io.lbkit.grpc.LbkitLoadBalancerProvider;
import io.lbkit.grpc.LbkitNameResolverProvider;
import io.lbkit.health.HealthConfig;
import io.lbkit.strategy.Strategies;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One blocking unary call (a 16-byte request, a 16-byte answer) through a Netty channel to three
 * Netty servers on 127.0.0.1, the servers resolved by {@code LbkitNameResolverProvider} for every
 * policy, so only the policy differs: {@code lbkit} (round robin, default health), gRPC's {@code
 * round_robin} or {@code pick_first}. The difference to {@code round_robin} is what the lbkit
 * policy costs a real call; {@link GrpcPickBenchmark} measures it without the network noise.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = "-Dorg.slf4j.simpleLogger.log.io.lbkit=warn")
public class GrpcCallBenchmark {
  @Param({"lbkit", "round_robin", "pick_first"})
  String policy;

  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  private static final MethodDescriptor<byte[], byte[]> CALL =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("bench.Echo/Call")
          .setRequestMarshaller(BYTES)
          .setResponseMarshaller(BYTES)
          .build();

  private final byte[] request = new byte[16];
  private final List<io.grpc.Server> backends = new ArrayList<>();
  private LbkitNameResolverProvider resolver;
  private LbkitLoadBalancerProvider lbkit;
  private ManagedChannel channel;

  @Setup
  public void setUp() throws IOException {
    byte[] answer = new byte[16];
    ServerServiceDefinition echo = ServerServiceDefinition.builder("bench.Echo")
        .addMethod(CALL, ServerCalls.asyncUnaryCall((req, out) -> {
          out.onNext(answer);
          out.onCompleted();
        }))
        .build();
    List<Server> servers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      io.grpc.Server b = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
          .addService(echo).build().start();
      backends.add(b);
      servers.add(Server.of("127.0.0.1", b.getPort()));
    }
    resolver = LbkitNameResolverProvider.builder().scheme("lbkit-bench")
        .source("echo", ServerSource.of(servers)).build();
    NameResolverRegistry.getDefaultRegistry().register(resolver);
    lbkit = LbkitLoadBalancerProvider.builder().strategy(Strategies.roundRobin())
        .health(HealthConfig.defaults()).build();
    LoadBalancerRegistry.getDefaultRegistry().register(lbkit);
    channel = NettyChannelBuilder.forTarget("lbkit-bench:///echo")
        .defaultLoadBalancingPolicy(policy)
        .usePlaintext()
        .build();
    for (int i = 0; i < 100; i++) {
      call();
    }
  }

  @TearDown
  public void tearDown() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    NameResolverRegistry.getDefaultRegistry().deregister(resolver);
    LoadBalancerRegistry.getDefaultRegistry().deregister(lbkit);
    resolver.close();
    for (io.grpc.Server b : backends) {
      b.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Benchmark
  public byte[] call() {
    return ClientCalls.blockingUnaryCall(channel, CALL, CallOptions.DEFAULT, request);
  }
}
