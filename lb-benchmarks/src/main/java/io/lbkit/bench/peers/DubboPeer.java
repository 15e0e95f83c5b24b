package io.lbkit.bench.peers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.rpc.AppResponse;
import org.apache.dubbo.rpc.Invocation;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.Result;
import org.apache.dubbo.rpc.RpcInvocation;
import org.apache.dubbo.rpc.cluster.LoadBalance;
import org.apache.dubbo.rpc.cluster.directory.StaticDirectory;
import org.apache.dubbo.rpc.cluster.support.FailoverClusterInvoker;
import org.apache.dubbo.rpc.model.ApplicationModel;

/**
 * Apache Dubbo's {@code LoadBalance} extensions and its failover cluster invoker over fake
 * invokers whose {@code invoke} does nothing.
 *
 * <p>Load balances come from Dubbo's own extension loader, as a consumer gets them, so that the
 * ones needing the application model (shortest response) are wired as in production. Provider
 * URLs carry what a registry would put there (weight, a timestamp older than the 10 min warm-up),
 * so {@code getWeight} runs its usual path.
 */
public final class DubboPeer {
  /** The service the fake providers export. */
  public interface DemoService {
    String sayHello(String name);
  }

  private static final String SERVICE = DemoService.class.getName();
  private static final String METHOD = "sayHello";
  private static final AtomicInteger FLEETS = new AtomicInteger();

  private DubboPeer() {}

  /**
   * Dubbo's load balance called {@code name}: random, roundrobin, leastactive, shortestresponse or
   * consistenthash.
   */
  public static Chooser loadBalance(Fleet fleet, String name) {
    LoadBalance lb = extension(name);
    List<Invoker<DemoService>> invokers = invokers(fleet);
    URL consumer = consumerUrl(name);
    Invocation[] invocations = new Invocation[Fleet.KEYS];
    for (int k = 0; k < invocations.length; k++) {
      invocations[k] = invocation(fleet.key(k));
    }
    check(lb.select(invokers, consumer, invocations[0]) != null, name);
    return seq -> lb.select(invokers, consumer, invocations[seq & Fleet.KEY_MASK]);
  }

  /**
   * The failover cluster invoker (Dubbo's default cluster, retries 2) with round robin over a
   * static directory. Each thread gets its own invocation, as each Dubbo call has its own.
   */
  public static CallPath clusterInvoker(Fleet fleet) {
    List<Invoker<DemoService>> invokers = invokers(fleet);
    FailoverClusterInvoker<DemoService> cluster =
        new FailoverClusterInvoker<>(new StaticDirectory<>(consumerUrl("roundrobin"), invokers));
    return () -> {
      Invocation invocation = invocation("user-0");
      check(cluster.invoke(invocation) != null, "failover cluster invoker");
      return seq -> cluster.invoke(invocation);
    };
  }

  private static LoadBalance extension(String name) {
    return ApplicationModel.defaultModel().getExtensionLoader(LoadBalance.class).getExtension(name);
  }

  private static URL consumerUrl(String loadBalance) {
    return URL.valueOf("consumer://10.255.0.1/" + SERVICE + "?interface=" + SERVICE
        + "&methods=" + METHOD + "&side=consumer&retries=2&loadbalance=" + loadBalance);
  }

  private static List<Invoker<DemoService>> invokers(Fleet fleet) {
    long registered = System.currentTimeMillis() - 3_600_000L;
    // Dubbo's round robin keeps its counters in a static map keyed by service: a group of its own
    // per fleet keeps one benchmark's (or test's) counters out of the next one's.
    String group = "fleet-" + FLEETS.incrementAndGet();
    List<Invoker<DemoService>> invokers = new ArrayList<>(fleet.size());
    for (int i = 0; i < fleet.size(); i++) {
      URL url = URL.valueOf("dubbo://" + fleet.host(i) + ":" + Fleet.PORT + "/" + SERVICE
          + "?interface=" + SERVICE + "&methods=" + METHOD + "&side=provider"
          + "&group=" + group + "&weight=" + (fleet.weight(i) * 100)
          + "&timestamp=" + registered);
      invokers.add(new FakeInvoker(url));
    }
    return Collections.unmodifiableList(invokers);
  }

  private static Invocation invocation(String key) {
    // No ServiceModel: the cluster invoker then falls back to the default application model.
    return new RpcInvocation(null, METHOD, SERVICE, "", new Class<?>[] {String.class},
        new Object[] {key});
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException("Dubbo " + what + " returned nothing");
    }
  }

  /** A provider that answers every call at once with the same result. */
  private static final class FakeInvoker implements Invoker<DemoService> {
    private final URL url;
    private final Result result = new AppResponse("hello");

    FakeInvoker(URL url) {
      this.url = url;
    }

    @Override
    public Class<DemoService> getInterface() {
      return DemoService.class;
    }

    @Override
    public Result invoke(Invocation invocation) {
      return result;
    }

    @Override
    public URL getUrl() {
      return url;
    }

    @Override
    public boolean isAvailable() {
      return true;
    }

    @Override
    public void destroy() {}

    @Override
    public String toString() {
      return url.getAddress();
    }
  }
}
