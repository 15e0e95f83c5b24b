package io.lbkit.consumer.classpath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lbkit.Server;
import io.lbkit.failover.LoadBalancer;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClasspathConsumerTest {

  @Test
  void roundRobinFromTheClasspathVisitsEveryServerOncePerTurn() throws Exception {
    ClasspathConsumer.Result r = ClasspathConsumer.run(3, 6);

    List<String> chosen = r.chosen();
    assertEquals(3, new HashSet<>(chosen.subList(0, 3)).size(), "first turn: " + chosen);
    assertEquals(chosen.subList(0, 3), chosen.subList(3, 6), "second turn repeats the first");
    assertTrue(r.answer().startsWith("answered by 127.0.0.1:900"), r.answer());
  }

  @Test
  void discoveryFillsAPoolFromTheClasspath() throws Exception {
    List<Server> servers = List.of(Server.of("127.0.0.1", 9001), Server.of("127.0.0.1", 9002));
    assertEquals(servers, ClasspathConsumer.discover(servers));
  }

  @Test
  void lbkitRunsUnnamedOnTheClasspath() {
    // The jars carry module-info.class; on the classpath it is ignored and they work as before.
    assertFalse(Server.class.getModule().isNamed());
    assertFalse(LoadBalancer.class.getModule().isNamed());
    assertFalse(io.lbkit.discovery.Discovery.class.getModule().isNamed());
    assertFalse(ClasspathConsumer.class.getModule().isNamed());
  }
}
