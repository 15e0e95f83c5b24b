package io.lbkit.bench;

import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.ChannelLogger;
import io.grpc.ClientStreamTracer;
import io.grpc.ConnectivityState;
import io.grpc.ConnectivityStateInfo;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer;
import io.grpc.LoadBalancerProvider;
import io.grpc.LoadBalancerRegistry;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import io.lbkit.Server;
import io.lbkit.grpc.LbkitLoadBalancerProvider;
import io.lbkit.grpc.ServerAddresses;
import io.lbkit.health.HealthConfig;
import io.lbkit.strategy.Strategies;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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
 * What a load-balancing policy costs one gRPC call, without the network: the channel's pick, then
 * (when the pick carries a tracer factory) the stream's tracer created and closed with OK, which
 * is all the {@code lbkit} policy adds to a call. The policies run behind a stand-in helper whose
 * subchannels are all READY; {@code policy} is {@code lbkit} (round robin or peak EWMA, default
 * health), gRPC's {@code round_robin} (grpc-util) or {@code pick_first} (grpc-core). Run with
 * {@code -prof gc} for B/op.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GrpcPickBenchmark {
  @Param({"lbkit-rr", "lbkit-ewma", "round_robin", "pick_first"})
  String policy;

  @Param({"10"})
  int servers;

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private ReadyHelper helper;
  private LoadBalancer balancer;
  private volatile LoadBalancer.SubchannelPicker picker;
  private LoadBalancer.PickSubchannelArgs args;
  private final ClientStreamTracer.StreamInfo info = ClientStreamTracer.StreamInfo.newBuilder()
      .setCallOptions(CallOptions.DEFAULT).build();
  private final Metadata headers = new Metadata();
  private final Metadata trailers = new Metadata();

  @Setup
  public void setUp() {
    trailers.put(Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER), "7f3a9c");
    LoadBalancerProvider provider;
    switch (policy) {
      case "lbkit-rr":
        provider = LbkitLoadBalancerProvider.builder().strategy(Strategies.roundRobin())
            .health(HealthConfig.defaults()).build();
        break;
      case "lbkit-ewma":
        provider = LbkitLoadBalancerProvider.builder().strategy(Strategies.peakEwma())
            .health(HealthConfig.defaults()).build();
        break;
      default:
        provider = LoadBalancerRegistry.getDefaultRegistry().getProvider(policy);
    }
    helper = new ReadyHelper();
    balancer = provider.newLoadBalancer(helper);
    List<EquivalentAddressGroup> groups = new ArrayList<>();
    for (int i = 0; i < servers; i++) {
      groups.add(ServerAddresses.toAddressGroup(Server.of("10.0.0." + (i + 1), 8080)));
    }
    Object config = null;
    if (policy.equals("pick_first")) {
      config = provider.parseLoadBalancingPolicyConfig(java.util.Map.of()).getConfig();
    }
    LoadBalancer.ResolvedAddresses resolved = LoadBalancer.ResolvedAddresses.newBuilder()
        .setAddresses(groups).setLoadBalancingPolicyConfig(config).build();
    Status[] accepted = new Status[1];
    // as a channel does: on the synchronization context, subchannel states queued behind
    helper.getSynchronizationContext().execute(
        () -> accepted[0] = balancer.acceptResolvedAddresses(resolved));
    Status s = accepted[0];
    if (!s.isOk() || picker == null) {
      throw new IllegalStateException(policy + ": " + s + ", picker " + picker);
    }
    args = new Args();
    LoadBalancer.PickResult r = picker.pickSubchannel(args);
    if (r.getSubchannel() == null) {
      throw new IllegalStateException(policy + " picked nothing: " + r);
    }
  }

  @TearDown
  public void tearDown() {
    helper.getSynchronizationContext().execute(balancer::shutdown);
    timer.shutdownNow();
  }

  @Benchmark
  public Object pickAndRecord() {
    return pickAndRecord(null);
  }

  /**
   * {@link #pickAndRecord} with the answer's trailers read as a channel hands them to the tracer:
   * lbkit looks for a load report in them (none here, as from a server that sends none).
   */
  @Benchmark
  public Object pickRecordAndReadTrailers() {
    return pickAndRecord(trailers);
  }

  private Object pickAndRecord(Metadata answerTrailers) {
    LoadBalancer.PickResult r = picker.pickSubchannel(args);
    ClientStreamTracer.Factory f = r.getStreamTracerFactory();
    if (f != null) {
      ClientStreamTracer t = f.newClientStreamTracer(info, headers);
      if (answerTrailers != null) {
        t.inboundTrailers(answerTrailers);
      }
      t.streamClosed(Status.OK);
    }
    return r;
  }

  private final class ReadyHelper extends LoadBalancer.Helper {
    private final SynchronizationContext sync = new SynchronizationContext((t, e) -> {
      throw new IllegalStateException(e);
    });

    @Override
    public LoadBalancer.Subchannel createSubchannel(LoadBalancer.CreateSubchannelArgs a) {
      return new ReadySubchannel(a.getAddresses(), a.getAttributes(), sync);
    }

    @Override
    public ManagedChannel createOobChannel(EquivalentAddressGroup eag, String authority) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void updateBalancingState(ConnectivityState state,
        LoadBalancer.SubchannelPicker newPicker) {
      if (state == ConnectivityState.READY) {
        picker = newPicker;
      }
    }

    @Override
    public SynchronizationContext getSynchronizationContext() {
      return sync;
    }

    @Override
    public ScheduledExecutorService getScheduledExecutorService() {
      return timer;
    }

    @Override
    public ChannelLogger getChannelLogger() {
      return new ChannelLogger() {
        @Override
        public void log(ChannelLogLevel level, String message) {}

        @Override
        public void log(ChannelLogLevel level, String messageFormat, Object... a) {}
      };
    }

    @Override
    public String getAuthority() {
      return "bench";
    }
  }

  /** Goes READY as soon as it is asked to connect. */
  private static final class ReadySubchannel extends LoadBalancer.Subchannel {
    private final List<EquivalentAddressGroup> groups;
    private final Attributes attributes;
    private LoadBalancer.SubchannelStateListener listener;
    private final SynchronizationContext sync;
    private boolean ready;

    ReadySubchannel(List<EquivalentAddressGroup> groups, Attributes attributes,
        SynchronizationContext sync) {
      this.groups = groups;
      this.attributes = attributes;
      this.sync = sync;
    }

    @Override
    public void start(LoadBalancer.SubchannelStateListener l) {
      this.listener = l;
    }

    @Override
    public void requestConnection() {
      if (!ready && listener != null) {
        ready = true;
        sync.execute(() -> listener.onSubchannelState(
            ConnectivityStateInfo.forNonError(ConnectivityState.READY)));
      }
    }

    @Override
    public void shutdown() {}

    @Override
    public List<EquivalentAddressGroup> getAllAddresses() {
      return groups;
    }

    @Override
    public Attributes getAttributes() {
      return attributes;
    }
  }

  private static final MethodDescriptor<Object, Object> METHOD = MethodDescriptor.newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName("bench.Echo/Call")
      .setRequestMarshaller(new NullMarshaller())
      .setResponseMarshaller(new NullMarshaller())
      .build();

  private static final class NullMarshaller implements MethodDescriptor.Marshaller<Object> {
    @Override
    public InputStream stream(Object value) {
      return InputStream.nullInputStream();
    }

    @Override
    public Object parse(InputStream stream) {
      return null;
    }
  }

  private static final class Args extends LoadBalancer.PickSubchannelArgs {
    private final Metadata headers = new Metadata();

    @Override
    public CallOptions getCallOptions() {
      return CallOptions.DEFAULT;
    }

    @Override
    public Metadata getHeaders() {
      return headers;
    }

    @Override
    public MethodDescriptor<?, ?> getMethodDescriptor() {
      return METHOD;
    }
  }
}
