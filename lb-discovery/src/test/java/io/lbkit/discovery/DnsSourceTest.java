package io.lbkit.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.RandomSource;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.failover.Failover;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.strategy.Strategies;
import io.lbkit.testing.ManualScheduler;
import io.lbkit.testing.ManualTicker;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import org.xbill.DNS.DClass;

/**
 * DNS sources against a real DNS server (dnsmasq on a loopback port): records to servers, the TTL
 * driving the next lookup on a manual clock, and NXDOMAIN, SERVFAIL and a dead server keeping the
 * last good list. The lookups themselves are real, so the tests wait for their answers (bounded
 * waits on events, never sleeps); the schedule between lookups is virtual.
 */
class DnsSourceTest {
  private static final Duration BOUND = Duration.ofSeconds(20);
  private static final String NAME = "inv.test.";
  private static final String SRV_NAME = "_http._tcp.inv.test.";
  /** The root zone's key-signing key (KSK-2017) as a DS record: a real anchor, so the
   * validating server can prove nothing about our unsigned test zone and answers SERVFAIL. */
  private static final String ROOT_ANCHOR =
      "trust-anchor=.,20326,8,2,E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D";

  @TempDir
  Path dir;

  private final ManualTicker ticker = new ManualTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final ServerPool pool = ServerPool.empty();
  private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
  private final List<Throwable> failures = new ArrayList<>();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private Dnsmasq dnsmasq(String hosts, List<String> config) {
    Dnsmasq d = Dnsmasq.start(dir, hosts, config);
    toClose.add(d);
    return d;
  }

  private static List<String> zone(int ttl, String... more) {
    List<String> config = new ArrayList<>(List.of("local=/test/", "local-ttl=" + ttl));
    config.addAll(List.of(more));
    return config;
  }

  private static Polling polling() {
    return Polling.builder().ttlBounds(Duration.ofSeconds(1), Duration.ofSeconds(60))
        .timeout(Duration.ofSeconds(2)).build();
  }

  private Discovery.Builder binder(DnsSource source) {
    return Discovery.builder(source, pool).ticker(ticker).scheduler(scheduler)
        .executor(Runnable::run).random(RandomSource.seeded(7)).listener(new DiscoveryListener() {
          @Override
          public void onChange(MembershipChange change) {
            events.add("change");
          }

          @Override
          public void onSourceFailure(Throwable error, DiscoveryStatus status) {
            synchronized (failures) {
              failures.add(error);
            }
            events.add("failure");
          }

          @Override
          public void onSourceRecovered(DiscoveryStatus status) {
            events.add("recovered");
          }
        });
  }

  private Discovery start(Discovery.Builder b) {
    Discovery d = b.start();
    toClose.add(d);
    return d;
  }

  /** Waits for the first list, then forgets the events so far: later waits see later ones. */
  private void ready(Discovery d) throws Exception {
    d.ready().get(BOUND.toSeconds(), TimeUnit.SECONDS);
    events.clear();
  }

  /** Waits for the next event of this kind (a lookup's answer reaching the binder). */
  private void await(String kind) throws InterruptedException {
    long deadline = System.nanoTime() + BOUND.toNanos();
    for (String e; (e = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) != null; ) {
      if (e.equals(kind)) {
        return;
      }
    }
    throw new AssertionError("no " + kind + " within " + BOUND);
  }

  /** Waits until the source has no lookup under way (an identical answer sends no event). */
  private static void awaitIdle(DnsSource source) {
    long deadline = System.nanoTime() + BOUND.toNanos();
    while (source.loop().inFlight()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("the lookup did not end within " + BOUND);
      }
      Thread.yield();
    }
  }

  private static List<String> ids(List<Server> servers) {
    List<String> out = new ArrayList<>();
    for (Server s : servers) {
      out.add(s.id() + " w" + s.weight() + " p" + s.priority());
    }
    return out;
  }

  /** What the server answers, asked directly: the test's own check of its fixture. */
  private static int rcode(Dnsmasq dns, String name, int type) throws Exception {
    SimpleResolver r = new SimpleResolver(dns.address());
    r.setTimeout(Duration.ofSeconds(5));
    Message answer = r.send(Message.newQuery(Record.newRecord(Name.fromString(name), type,
        DClass.IN)));
    return answer.getRcode();
  }

  @Test
  void aAndAaaaRecordsBecomeServersOnThePort() throws Exception {
    Dnsmasq dns = dnsmasq("10.0.0.1 inv.test\n10.0.0.2 inv.test\n2001:db8::7 inv.test\n",
        zone(7));
    DnsSource source = DnsSource.addresses(NAME, 8080).resolvers(dns.address())
        .polling(polling()).build();
    Discovery d = start(binder(source));

    assertThat(d.ready().get(BOUND.toSeconds(), TimeUnit.SECONDS)).extracting(Server::id)
        .containsExactlyInAnyOrder("10.0.0.1:8080", "10.0.0.2:8080", "[2001:db8::7]:8080");
    assertThat(pool.servers()).hasSize(3).allMatch(s -> s.port() == 8080 && s.weight() == 1);
    assertThat(source).hasToString("DNS A+AAAA inv.test. port 8080 via [" + dns.address() + "]");
  }

  @Test
  void ipv4OnlyAndIpv6OnlyAskForOneFamily() throws Exception {
    Dnsmasq dns = dnsmasq("10.0.0.1 inv.test\n2001:db8::7 inv.test\n", zone(7));
    ServerPool v6 = ServerPool.empty();
    Discovery four = start(binder(DnsSource.addresses(NAME, 80).ipv4Only()
        .resolvers(dns.address()).build()));
    Discovery six = start(Discovery.builder(DnsSource.addresses(NAME, 80).ipv6Only()
        .resolvers(dns.address()).build(), v6).scheduler(scheduler).ticker(ticker));

    assertThat(four.ready().get(BOUND.toSeconds(), TimeUnit.SECONDS)).extracting(Server::id)
        .containsExactly("10.0.0.1:80");
    assertThat(six.ready().get(BOUND.toSeconds(), TimeUnit.SECONDS)).extracting(Server::id)
        .containsExactly("[2001:db8::7]:80");
  }

  @Test
  void theNextLookupIsDueWhenTheTtlRunsOutAndSeesTheChange() throws Exception {
    Dnsmasq dns = dnsmasq("10.0.0.1 inv.test\n10.0.0.2 inv.test\n", zone(7));
    DnsSource source = DnsSource.addresses(NAME, 8080).ipv4Only().resolvers(dns.address())
        .polling(polling()).build();
    Discovery d = start(binder(source));
    ready(d);
    awaitIdle(source);

    dns.reload("10.0.0.1 inv.test\n10.0.0.2 inv.test\n10.0.0.3 inv.test\n");
    scheduler.advance(Duration.ofSeconds(7).minusNanos(1));
    assertThat(source.loop().lookups()).isEqualTo(1);
    assertThat(pool.servers()).hasSize(2);

    long changed = System.nanoTime();
    scheduler.advance(Duration.ofNanos(1)); // the TTL has run out: the lookup starts
    await("change");
    long lookupNanos = System.nanoTime() - changed;
    assertThat(pool.servers()).extracting(Server::id)
        .containsExactlyInAnyOrder("10.0.0.1:8080", "10.0.0.2:8080", "10.0.0.3:8080");
    System.out.printf("DNS change to pool: the record's TTL (7 s, virtual) + %.1f ms from the "
        + "lookup's start to the new pool%n", lookupNanos / 1e6);

    awaitIdle(source);
    scheduler.advance(Duration.ofSeconds(7)); // and again one TTL later
    awaitIdle(source);
    assertThat(source.loop().lookups()).isEqualTo(3);
  }

  @Test
  void aTtlIsClampedToThePollingBounds() throws Exception {
    Dnsmasq dns = dnsmasq("10.0.0.1 inv.test\n", zone(0));
    DnsSource zero = DnsSource.addresses(NAME, 80).ipv4Only().resolvers(dns.address())
        .polling(polling()).build();
    start(binder(zero)).ready().get(BOUND.toSeconds(), TimeUnit.SECONDS);
    awaitIdle(zero);
    scheduler.advance(Duration.ofMillis(999));
    assertThat(zero.loop().lookups()).as("TTL 0 waits the 1 s floor").isEqualTo(1);
    scheduler.advance(Duration.ofMillis(1));
    awaitIdle(zero);
    assertThat(zero.loop().lookups()).isEqualTo(2);
    zero.close();

    dns.restart("10.0.0.1 inv.test\n", zone(3600));
    DnsSource hour = DnsSource.addresses(NAME, 80).ipv4Only().resolvers(dns.address())
        .polling(polling()).build();
    Discovery d = start(Discovery.builder(hour, ServerPool.empty()).ticker(ticker)
        .scheduler(scheduler).executor(Runnable::run));
    ready(d);
    awaitIdle(hour);
    scheduler.advance(Duration.ofSeconds(60).minusNanos(1));
    assertThat(hour.loop().lookups()).as("TTL 3600 s waits the 60 s ceiling").isEqualTo(1);
    scheduler.advance(Duration.ofNanos(1));
    awaitIdle(hour);
    assertThat(hour.loop().lookups()).isEqualTo(2);
  }

  @Test
  void nxdomainIsAnEmptyAnswerSoTheLastListIsKept() throws Exception {
    Dnsmasq dns = dnsmasq("10.0.0.1 inv.test\n", zone(7));
    DnsSource source = DnsSource.addresses(NAME, 80).resolvers(dns.address())
        .polling(polling()).build();
    Discovery d = start(binder(source));
    ready(d);
    awaitIdle(source);

    dns.reload("10.0.0.9 other.test\n");
    assertThat(rcode(dns, NAME, Type.A)).isEqualTo(Rcode.NXDOMAIN);
    scheduler.advance(Duration.ofSeconds(7));
    await("failure");

    assertThat(pool.servers()).extracting(Server::id).containsExactly("10.0.0.1:80");
    assertThat(d.status().lastError().orElseThrow()).hasMessageStartingWith("servers: []");
  }

  @Test
  void nxdomainEmptiesThePoolWhenEmptyAnswersAreAllowed() throws Exception {
    Dnsmasq dns = dnsmasq("10.0.0.1 inv.test\n", zone(7));
    DnsSource source = DnsSource.addresses(NAME, 80).resolvers(dns.address())
        .polling(polling()).build();
    // A removal delay shorter than the first backoff: no lookup runs while time moves on.
    Discovery d = start(binder(source).allowEmpty().removalDelay(Duration.ofMillis(500)));
    ready(d);
    awaitIdle(source);

    dns.reload("10.0.0.9 other.test\n");
    scheduler.advance(Duration.ofSeconds(7));
    await("change");
    assertThat(ids(pool.servers())).containsExactly("10.0.0.1:80 w0 p0"); // drained first
    awaitIdle(source);
    scheduler.advance(Duration.ofMillis(500));
    assertThat(pool.servers()).isEmpty();
  }

  @Test
  void servfailIsAFailureSoTheLastListIsKeptUntilTheServerRecovers() throws Exception {
    // Answers inv.test, unsigned: a validating server asking it cannot prove that answer.
    Dnsmasq upstream = dnsmasq("10.0.0.1 inv.test\n", zone(7));
    Dnsmasq dns = dnsmasq("10.0.0.1 inv.test\n", zone(7));
    DnsSource source = DnsSource.addresses(NAME, 80).ipv4Only().resolvers(dns.address())
        .polling(polling()).build();
    Discovery d = start(binder(source));
    ready(d);
    awaitIdle(source);

    // The same name, now forwarded and validated: the unsigned answer is bogus, SERVFAIL.
    dns.restart("", List.of("server=127.0.0.1#" + upstream.port(), "dnssec", ROOT_ANCHOR,
        "dnssec-check-unsigned"));
    assertThat(rcode(dns, NAME, Type.A)).as("the fixture answers SERVFAIL")
        .isEqualTo(Rcode.SERVFAIL);
    scheduler.advance(Duration.ofSeconds(7));
    await("failure");
    assertThat(pool.servers()).extracting(Server::id).containsExactly("10.0.0.1:80");
    assertThat(d.status().lastError().orElseThrow()).hasMessage("DNS A inv.test.: SERVFAIL");

    dns.restart("10.0.0.1 inv.test\n10.0.0.2 inv.test\n", zone(7));
    awaitIdle(source);
    scheduler.advance(Polling.DEFAULT_INITIAL_BACKOFF.multipliedBy(2)); // the backoff's end
    await("recovered");
    await("change");
    assertThat(pool.servers()).extracting(Server::id)
        .containsExactly("10.0.0.1:80", "10.0.0.2:80");
    assertThat(d.status().consecutiveFailures()).isZero();
  }

  @Test
  void aStoppedServerIsAFailureSoTheLastListIsKept() throws Exception {
    Dnsmasq dns = dnsmasq("10.0.0.1 inv.test\n", zone(7));
    DnsSource source = DnsSource.addresses(NAME, 80).resolvers(dns.address())
        .polling(polling()).build();
    Discovery d = start(binder(source));
    ready(d);
    awaitIdle(source);

    dns.stop();
    scheduler.advance(Duration.ofSeconds(7));
    await("failure");

    assertThat(pool.servers()).extracting(Server::id).containsExactly("10.0.0.1:80");
    assertThat(d.status().lastError().orElseThrow().getMessage()).startsWith("DNS A");
    assertThat(d.status().consecutiveFailures()).isEqualTo(1);
  }

  @Test
  void srvRecordsGivePortPriorityAndWeightAndWeightZeroIsNotADrain() throws Exception {
    Dnsmasq dns = dnsmasq("", zone(7,
        "srv-host=_http._tcp.inv.test,inv-1.inv.test,8080,10,5",
        "srv-host=_http._tcp.inv.test,inv-2.inv.test,8081,10,0",
        "srv-host=_http._tcp.inv.test,inv-3.inv.test,8082,20,7"));
    DnsSource source = DnsSource.srv(SRV_NAME).resolvers(dns.address()).polling(polling())
        .build();
    Discovery d = start(binder(source));
    ready(d);

    assertThat(ids(pool.servers())).containsExactlyInAnyOrder(
        "inv-1.inv.test:8080 w5 p10", "inv-2.inv.test:8081 w1 p10", "inv-3.inv.test:8082 w7 p20");

    // primaryBackup() keeps calls on the lowest SRV priority while it is healthy.
    try (LoadBalancer lb = LoadBalancer.builder(pool).strategy(Strategies.roundRobin())
        .failover(Failover.primaryBackup()).rebuildExecutor(Runnable::run)
        .scheduler(new ManualScheduler(new ManualTicker())).executor(Runnable::run).build()) {
      Map<Integer, Integer> byPriority = new HashMap<>();
      for (int i = 0; i < 100; i++) {
        byPriority.merge(lb.execute(server -> server).priority(), 1, Integer::sum);
      }
      assertThat(byPriority).isEqualTo(Map.of(10, 100));
    }

    // SRV records live in dnsmasq's configuration: a restart on the same port changes them.
    awaitIdle(source);
    dns.restart("", zone(7,
        "srv-host=_http._tcp.inv.test,inv-2.inv.test,8081,10,0",
        "srv-host=_http._tcp.inv.test,inv-3.inv.test,8082,20,7",
        "srv-host=_http._tcp.inv.test,inv-4.inv.test,8083,10,9"));
    scheduler.advance(Duration.ofSeconds(7));
    await("change");
    assertThat(ids(pool.servers())).containsExactlyInAnyOrder("inv-1.inv.test:8080 w0 p10",
        "inv-2.inv.test:8081 w1 p10", "inv-3.inv.test:8082 w7 p20", "inv-4.inv.test:8083 w9 p10");
  }

  @Test
  void anSrvRecordWithTargetDotMeansNoServiceAndIsLeftOut() throws Exception {
    Dnsmasq dns = dnsmasq("", zone(7, "srv-host=_http._tcp.none.test"));
    DnsSource source = DnsSource.srv("_http._tcp.none.test.").resolvers(dns.address())
        .polling(polling()).build();
    Discovery d = start(binder(source));
    await("failure");

    assertThat(pool.servers()).isEmpty();
    assertThat(d.status().lastError().orElseThrow()).hasMessageStartingWith("servers: []");
  }

  @Test
  void theTimeFromADnsChangeToThePoolOnARealClockIsAboutOneTtl() throws Exception {
    Dnsmasq dns = dnsmasq("10.0.0.1 inv.test\n", zone(1));
    DnsSource source = DnsSource.addresses(NAME, 80).ipv4Only().resolvers(dns.address())
        .polling(polling()).build();
    BlockingQueue<Long> changedAt = new LinkedBlockingQueue<>();
    Discovery d = start(Discovery.builder(source, pool).listener(new DiscoveryListener() {
      @Override
      public void onChange(MembershipChange change) {
        changedAt.add(System.nanoTime());
      }
    }));
    ready(d);
    changedAt.take();

    List<Double> millis = new ArrayList<>();
    for (int i = 2; i <= 4; i++) {
      StringBuilder hosts = new StringBuilder();
      for (int j = 1; j <= i; j++) {
        hosts.append("10.0.0.").append(j).append(" inv.test\n");
      }
      dns.reload(hosts.toString());
      long reloaded = System.nanoTime();
      Long at = changedAt.poll(BOUND.toSeconds(), TimeUnit.SECONDS);
      assertThat(at).as("the pool followed change %d", i).isNotNull();
      millis.add((at - reloaded) / 1e6);
      assertThat(pool.servers()).hasSize(i);
    }
    // Reported, not asserted: wall-clock figures depend on the machine.
    System.out.printf("DNS change to pool, real clock, TTL 1 s: %s ms%n", millis);
  }

  @Test
  void theBuilderRejectsBadArgumentsNamingThem() {
    assertThatThrownBy(() -> DnsSource.addresses(" ", 80))
        .hasMessage("name: \" \" (expected: non-blank)");
    assertThatThrownBy(() -> DnsSource.addresses("a..b", 80))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("name: \"a..b\"");
    assertThatThrownBy(() -> DnsSource.addresses("inv.test", 0))
        .hasMessage("port: 0 (expected: 1..65535)");
    assertThatThrownBy(() -> DnsSource.srv(SRV_NAME).ipv4Only())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("records: SRV (expected: an addresses(name, port) source)");
    assertThatThrownBy(() -> DnsSource.srv(SRV_NAME).resolvers())
        .hasMessage("servers: [] (expected: at least one DNS server)");
    assertThatThrownBy(() -> DnsSource.srv(SRV_NAME).polling(null))
        .hasMessage("polling: null (expected: non-null)");
  }

  @Test
  void ipv6AddressesAreWrittenShortAndBracketed() throws Exception {
    assertThat(DnsLookup.bracketed(InetAddress.getByName("2001:db8:0:0:1:0:0:1")))
        .isEqualTo("[2001:db8::1:0:0:1]");
    assertThat(DnsLookup.bracketed(InetAddress.getByName("::1"))).isEqualTo("[::1]");
    assertThat(DnsLookup.bracketed(InetAddress.getByName("2001:db8::"))).isEqualTo("[2001:db8::]");
    assertThat(DnsLookup.bracketed(InetAddress.getByName("1:0:2:0:3:0:4:0")))
        .isEqualTo("[1:0:2:0:3:0:4:0]");
    assertThat(DnsLookup.bracketed(InetAddress.getByName("::"))).isEqualTo("[::]");
    assertThat(DnsLookup.bracketed(InetAddress.getByName("FE80:0:0:0:0:0:0:ABCD")))
        .isEqualTo("[fe80::abcd]");
  }
}
