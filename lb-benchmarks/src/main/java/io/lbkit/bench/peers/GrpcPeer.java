package io.lbkit.bench.peers;

import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.ChannelLogger;
import io.grpc.ConnectivityState;
import io.grpc.ConnectivityStateInfo;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer;
import io.grpc.LoadBalancerProvider;
import io.grpc.LoadBalancerRegistry;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.SynchronizationContext;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * gRPC-java's {@code round_robin} policy, obtained from the public {@link LoadBalancerRegistry}
 * and driven by a fake {@link LoadBalancer.Helper} whose subchannels report READY as soon as a
 * connection is requested. What is measured is the picker the policy publishes once every
 * subchannel is READY, exactly the object a channel calls for each RPC.
 */
public final class GrpcPeer {
  private GrpcPeer() {}

  public static Chooser roundRobin(Fleet fleet) {
    LoadBalancerProvider provider =
        LoadBalancerRegistry.getDefaultRegistry().getProvider("round_robin");
    if (provider == null) {
      throw new IllegalStateException("round_robin is not registered (service file lost?)");
    }
    FakeHelper helper = new FakeHelper();
    LoadBalancer lb = provider.newLoadBalancer(helper);
    List<EquivalentAddressGroup> groups = new ArrayList<>(fleet.size());
    for (int i = 0; i < fleet.size(); i++) {
      groups.add(new EquivalentAddressGroup(socketAddress(fleet, i)));
    }
    helper.sync.execute(() -> lb.acceptResolvedAddresses(
        LoadBalancer.ResolvedAddresses.newBuilder().setAddresses(groups).build()));
    if (helper.state != ConnectivityState.READY) {
      throw new IllegalStateException("round_robin is " + helper.state + ", expected READY");
    }
    LoadBalancer.SubchannelPicker picker = helper.picker;
    LoadBalancer.PickSubchannelArgs args = new Args();
    if (picker.pickSubchannel(args).getSubchannel() == null) {
      throw new IllegalStateException("round_robin picked no subchannel");
    }
    return seq -> picker.pickSubchannel(args);
  }

  private static InetSocketAddress socketAddress(Fleet fleet, int i) {
    try {
      return new InetSocketAddress(InetAddress.getByAddress(fleet.address(i)), Fleet.PORT);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs everything inline on the synchronization context; remembers the last picker. */
  private static final class FakeHelper extends LoadBalancer.Helper {
    final SynchronizationContext sync = new SynchronizationContext((t, e) -> {
      throw new IllegalStateException("gRPC load balancer failed", e);
    });
    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "grpc-fake-helper");
      t.setDaemon(true);
      return t;
    });
    volatile ConnectivityState state;
    volatile LoadBalancer.SubchannelPicker picker;

    @Override
    public LoadBalancer.Subchannel createSubchannel(LoadBalancer.CreateSubchannelArgs args) {
      return new FakeSubchannel(args, sync);
    }

    @Override
    public void updateBalancingState(ConnectivityState newState,
        LoadBalancer.SubchannelPicker newPicker) {
      state = newState;
      picker = newPicker;
    }

    @Override
    public ManagedChannel createOobChannel(EquivalentAddressGroup eag, String authority) {
      throw new UnsupportedOperationException("no out-of-band channels in a benchmark");
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
    public String getAuthority() {
      return "bench.lbkit.io";
    }

    @Override
    public ChannelLogger getChannelLogger() {
      return SilentLogger.INSTANCE;
    }
  }

  /** A connection that becomes READY when asked to connect. */
  private static final class FakeSubchannel extends LoadBalancer.Subchannel {
    private final LoadBalancer.CreateSubchannelArgs args;
    private final SynchronizationContext sync;
    private LoadBalancer.SubchannelStateListener listener;

    FakeSubchannel(LoadBalancer.CreateSubchannelArgs args, SynchronizationContext sync) {
      this.args = args;
      this.sync = sync;
    }

    @Override
    public void start(LoadBalancer.SubchannelStateListener listener) {
      this.listener = listener;
    }

    @Override
    public void requestConnection() {
      sync.execute(() -> listener.onSubchannelState(
          ConnectivityStateInfo.forNonError(ConnectivityState.READY)));
    }

    @Override
    public void shutdown() {}

    @Override
    public List<EquivalentAddressGroup> getAllAddresses() {
      return args.getAddresses();
    }

    @Override
    public Attributes getAttributes() {
      return args.getAttributes();
    }

    @Override
    public ChannelLogger getChannelLogger() {
      return SilentLogger.INSTANCE;
    }
  }

  /** Pick arguments for one unary method; round robin does not read them. */
  private static final class Args extends LoadBalancer.PickSubchannelArgs {
    private static final MethodDescriptor<byte[], byte[]> METHOD =
        MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("bench.Demo/SayHello")
            .setRequestMarshaller(BytesMarshaller.INSTANCE)
            .setResponseMarshaller(BytesMarshaller.INSTANCE)
            .build();
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

  private enum BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
    INSTANCE;

    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      throw new UnsupportedOperationException("never called: no RPC is sent");
    }
  }

  private static final class SilentLogger extends ChannelLogger {
    static final SilentLogger INSTANCE = new SilentLogger();

    @Override
    public void log(ChannelLogLevel level, String message) {}

    @Override
    public void log(ChannelLogLevel level, String messageFormat, Object... args) {}
  }
}
