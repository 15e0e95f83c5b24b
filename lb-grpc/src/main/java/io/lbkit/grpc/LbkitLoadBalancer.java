package io.lbkit.grpc;

import static io.grpc.ConnectivityState.CONNECTING;
import static io.grpc.ConnectivityState.IDLE;
import static io.grpc.ConnectivityState.READY;
import static io.grpc.ConnectivityState.TRANSIENT_FAILURE;

import io.grpc.ConnectivityState;
import io.grpc.ConnectivityStateInfo;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import io.lbkit.NoServerAvailableException;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code lbkit} policy in one channel: a subchannel per server, the READY ones in an lbkit
 * {@link ServerPool}, and an lbkit balancer over that pool choosing for every pick.
 *
 * <pre>
 * write path (the synchronization context): resolved addresses and subchannel states
 *   -> endpoints (id -> server, subchannel, state)
 *   -> ready   (id -> precomputed PickResult: subchannel + its StreamOutcomes), volatile
 *   -> pool.update(READY servers + initial ones still connecting)
 *                                   (lbkit rebuilds its picker before update returns)
 *   -> helper.updateBalancingState(state, new picker)
 * read path (any thread): lbkit choose() -> ready.get(id) -> the precomputed PickResult
 * </pre>
 *
 * A server only lbkit's older picker still knows (it left between the pool update and the new
 * map) is not in the map: the pick chooses again, and after a few misses answers "no result",
 * and the channel retries it with the picker published right after. Health changes (ejection, restoration, slow-start steps) rebuild
 * lbkit's picker only, which the gRPC picker reads on every pick; a new gRPC picker is published
 * after one only if a pick failed since, so that calls waiting for ready pick again.
 *
 * <p>Connectivity: IDLE subchannels are asked to connect at once (as {@code round_robin} does);
 * the channel is READY while one subchannel is, CONNECTING while one that has not failed since
 * it was last READY (or created) may become so, and TRANSIENT_FAILURE otherwise: a subchannel
 * going back to CONNECTING after a failure keeps the channel failing fast, as {@code round_robin}
 * does, while fresh addresses after a resolution error make it connect again.
 */
final class LbkitLoadBalancer extends LoadBalancer {
  private static final int MAX_PICKS = 4;

  private final Helper helper;
  private final SynchronizationContext sync;
  private final LbkitLoadBalancerProvider provider;
  private final ServerPool pool = ServerPool.empty();
  private final boolean[] failureCodes;
  private final Runnable healthChanged;
  // confined to sync
  private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
  private io.lbkit.failover.LoadBalancer lb; // built with the first addresses
  private ConnectivityState state = CONNECTING;
  private Status lastError = Status.UNAVAILABLE.withDescription("lbkit: no address yet");
  private boolean shutdown;
  private boolean startedPicking; // a subchannel was READY once
  // read by pickers on any thread
  private volatile Map<String, PickResult> ready = Map.of();
  private volatile boolean pickFailed;

  LbkitLoadBalancer(Helper helper, LbkitLoadBalancerProvider provider) {
    this.helper = helper;
    this.sync = helper.getSynchronizationContext();
    this.provider = provider;
    this.failureCodes = provider.failureTable();
    this.healthChanged = () -> sync.execute(this::afterHealthChange);
  }

  /**
   * Builds lbkit's balancer over the first address list, so that those servers are the pool's
   * members when its health monitor starts and do not ramp up under slow start: a channel's
   * servers all connect at its start, and a ramp for each would thin every pick at random for
   * the whole window. Servers added later, or back after their subchannel failed, do ramp.
   */
  private void startBalancer(Iterable<Server> initial) {
    List<Server> members = new ArrayList<>();
    initial.forEach(members::add);
    pool.update(members);
    lb = provider.newBalancer(pool, helper);
    lb.tracker().addChangeListener(healthChanged);
    provider.created(lb);
  }

  @Override
  public Status acceptResolvedAddresses(ResolvedAddresses resolved) {
    List<EquivalentAddressGroup> groups = resolved.getAddresses();
    if (groups.isEmpty()) {
      Status s = Status.UNAVAILABLE.withDescription(
          "lbkit: the name resolver returned no addresses: " + resolved.getAttributes());
      handleNameResolutionError(s);
      return s;
    }
    Map<String, EquivalentAddressGroup> byId = new LinkedHashMap<>();
    Map<String, Server> servers = new LinkedHashMap<>(); // the resolver's order
    for (EquivalentAddressGroup g : groups) {
      Server s = ServerAddresses.fromAddressGroup(g);
      if (byId.putIfAbsent(s.id(), g) == null) {
        servers.put(s.id(), s);
      }
    }
    if (lb == null) {
      startBalancer(servers.values());
    }
    List<Endpoint> removed = new ArrayList<>();
    endpoints.values().removeIf(e -> {
      if (byId.containsKey(e.server.id())) {
        return false;
      }
      removed.add(e);
      return true;
    });
    for (Map.Entry<String, EquivalentAddressGroup> en : byId.entrySet()) {
      Server s = servers.get(en.getKey());
      Endpoint e = endpoints.get(en.getKey());
      if (e == null) {
        e = new Endpoint(s, en.getValue(), !startedPicking);
        endpoints.put(s.id(), e);
        e.start();
      } else {
        e.update(s, en.getValue());
      }
    }
    republish();
    for (Endpoint e : removed) {
      e.subchannel.shutdown();
    }
    return Status.OK;
  }

  @Override
  public void handleNameResolutionError(Status error) {
    if (state == READY) {
      return; // keep balancing over the servers we have
    }
    lastError = error;
    state = TRANSIENT_FAILURE;
    helper.updateBalancingState(TRANSIENT_FAILURE, new ErrorPicker(error));
  }

  @Override
  public void requestConnection() {
    for (Endpoint e : endpoints.values()) {
      if (e.state == IDLE) {
        e.subchannel.requestConnection();
      }
    }
  }

  @Override
  public void shutdown() {
    shutdown = true;
    if (lb == null) {
      return;
    }
    lb.tracker().removeChangeListener(healthChanged);
    for (Endpoint e : endpoints.values()) {
      e.subchannel.shutdown();
    }
    endpoints.clear();
    ready = Map.of();
    lb.close();
  }

  /** Rebuilds the pool and the map from the endpoints' states, and publishes the channel state. */
  private void republish() {
    Map<String, PickResult> map = new HashMap<>();
    List<Server> up = new ArrayList<>();
    boolean connecting = false;
    for (Endpoint e : endpoints.values()) {
      if (e.state == READY) {
        map.put(e.server.id(), e.pick);
        up.add(e.server);
      } else if (e.initial) {
        up.add(e.server); // still connecting for the first time: stays a member, see Endpoint
        connecting = true;
      } else if (!e.failed) {
        connecting = true; // connecting or idle, and not failed since it was last READY
      }
    }
    ready = map;
    pool.update(up);
    if (!map.isEmpty()) {
      startedPicking = true;
      state = READY;
      pickFailed = false;
      helper.updateBalancingState(READY, new ReadyPicker());
    } else if (connecting) {
      state = CONNECTING;
      helper.updateBalancingState(CONNECTING, new QueuePicker());
    } else {
      state = TRANSIENT_FAILURE;
      helper.updateBalancingState(TRANSIENT_FAILURE, new ErrorPicker(lastError));
    }
  }

  private void afterHealthChange() {
    if (!shutdown && state == READY && pickFailed) {
      pickFailed = false;
      helper.updateBalancingState(READY, new ReadyPicker());
    }
  }

  /** One server's subchannel and what the pick hands out for it. */
  private final class Endpoint implements SubchannelStateListener {
    Server server;
    final Subchannel subchannel;
    EquivalentAddressGroup group;
    ConnectivityState state = IDLE;
    boolean failed; // TRANSIENT_FAILURE since it was last READY: it keeps the channel in TF
    /*
     * Listed before any subchannel was READY and not READY or failed yet: a member of lbkit's
     * pool all the same (so it joins without a ramp, see startBalancer), though not pickable:
     * a pick that lands on it picks again. It is not READY for the few milliseconds a
     * connection takes, unless its server is down, which its first failure then tells.
     */
    boolean initial;
    PickResult pick;

    Endpoint(Server server, EquivalentAddressGroup group, boolean initial) {
      this.server = server;
      this.initial = initial;
      this.group = group;
      this.subchannel = helper.createSubchannel(CreateSubchannelArgs.newBuilder()
          .setAddresses(group)
          .build());
      this.pick = PickResult.withSubchannel(subchannel,
          new StreamOutcomes(lb.tracker(), server, failureCodes));
    }

    void start() {
      subchannel.start(this);
      subchannel.requestConnection();
    }

    void update(Server s, EquivalentAddressGroup g) {
      if (!g.getAddresses().equals(group.getAddresses())) {
        subchannel.updateAddresses(List.of(g));
      }
      group = g;
      if (!s.equals(server)) {
        server = s;
        pick = PickResult.withSubchannel(subchannel,
            new StreamOutcomes(lb.tracker(), s, failureCodes));
      }
    }

    @Override
    public void onSubchannelState(ConnectivityStateInfo info) {
      if (shutdown || endpoints.get(server.id()) != this) {
        return; // removed: its subchannel is shutting down
      }
      ConnectivityState s = info.getState();
      if (s == ConnectivityState.SHUTDOWN) {
        return;
      }
      if (s == READY) {
        failed = false;
        initial = false;
      }
      if (s == TRANSIENT_FAILURE) {
        failed = true;
        initial = false;
        lastError = Status.UNAVAILABLE.withDescription("lbkit: " + server.id() + ": "
            + info.getStatus().getCode() + " " + info.getStatus().getDescription())
            .withCause(info.getStatus().getCause());
        helper.refreshNameResolution();
      }
      if (s == IDLE) {
        helper.refreshNameResolution();
        subchannel.requestConnection();
      }
      if (s == state) {
        return;
      }
      state = s;
      republish();
    }
  }

  /**
   * Picks through lbkit: lock-free, and allocation-free unless no server can be chosen. A pick
   * on a member that is not READY (an initial server still connecting, or one that lbkit's
   * previous picker still knew) picks again, a few times, then waits for the next picker.
   */
  private final class ReadyPicker extends SubchannelPicker {
    private final io.lbkit.failover.LoadBalancer lb = LbkitLoadBalancer.this.lb;

    @Override
    public PickResult pickSubchannel(PickSubchannelArgs args) {
      Request request = args.getCallOptions().getOption(LbkitLoadBalancerProvider.REQUEST);
      Request r = request != null ? request : Request.NONE;
      Map<String, PickResult> map = ready;
      for (int i = 0; i < MAX_PICKS; i++) {
        Server s;
        try {
          s = lb.choose(r);
        } catch (NoServerAvailableException e) {
          pickFailed = true;
          return PickResult.withError(
              Status.UNAVAILABLE.withDescription("lbkit: " + e.getMessage()));
        }
        PickResult result = map.get(s.id());
        if (result != null) {
          return result;
        }
      }
      return PickResult.withNoResult();
    }

    @Override
    public String toString() {
      return "lbkit.ReadyPicker{" + ready.keySet() + '}';
    }
  }

  /** While connecting: every pick waits for the next picker. */
  private static final class QueuePicker extends SubchannelPicker {
    @Override
    public PickResult pickSubchannel(PickSubchannelArgs args) {
      return PickResult.withNoResult();
    }
  }

  /** No subchannel is READY: calls fail, except those that wait for ready. */
  private static final class ErrorPicker extends SubchannelPicker {
    private final PickResult result;

    ErrorPicker(Status error) {
      this.result = PickResult.withError(error);
    }

    @Override
    public PickResult pickSubchannel(PickSubchannelArgs args) {
      return result;
    }

    @Override
    public String toString() {
      return "lbkit.ErrorPicker{" + result.getStatus() + '}';
    }
  }
}
