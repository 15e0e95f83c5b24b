package io.lbkit.consumer.classpath;

import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.discovery.Discovery;
import io.lbkit.discovery.ServerSource;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.strategy.Strategies;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Plain classpath code that uses lbkit: a {@link LoadBalancer} over a pool, {@code choose()} and
 * {@code execute(...)}. It sticks to the calls that stay stable while the rest of the API is
 * reworked.
 */
public final class ClasspathConsumer {
  private ClasspathConsumer() {}

  /** What one run saw: the ids chosen in order, and what {@code execute} returned. */
  public record Result(List<String> chosen, String answer) {}

  /** Makes {@code picks} choices and one {@code execute} over {@code servers} servers. */
  public static Result run(int servers, int picks) throws Exception {
    List<Server> members = new ArrayList<>();
    for (int i = 0; i < servers; i++) {
      members.add(Server.of("127.0.0.1", 9001 + i));
    }
    ServerPool pool = ServerPool.of(members);
    try (LoadBalancer lb = LoadBalancer.builder(pool).strategy(Strategies.roundRobin()).build()) {
      List<String> chosen = new ArrayList<>();
      for (int i = 0; i < picks; i++) {
        chosen.add(lb.choose().id());
      }
      String answer = lb.execute(server -> "answered by " + server.id());
      return new Result(chosen, answer);
    }
  }

  /** Fills an empty pool with {@code servers} through a {@link Discovery}; the pool after. */
  public static List<Server> discover(List<Server> servers) throws Exception {
    ServerPool pool = ServerPool.empty();
    try (Discovery d = Discovery.builder(ServerSource.of(servers), pool).start()) {
      d.ready().get(10, TimeUnit.SECONDS);
    }
    return pool.servers();
  }

  public static void main(String[] args) throws Exception {
    System.out.println(run(3, 6));
  }
}
