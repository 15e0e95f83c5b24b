package io.lbkit.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.strategy.Strategies;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each attempt's URL, built from the server's origin and the call's tail without OkHttp's
 * builder, equals what the builder makes, part by part: escapes in the path, query and fragment,
 * empty and valueless queries, IPv6 hosts in brackets, default and other ports, a base path.
 */
class AttemptUrlsTest {
  private final LoadBalancer lb = LoadBalancer.builder(ServerPool.of(Server.of("127.0.0.1", 1)))
      .strategy(Strategies.roundRobin()).build();

  @AfterEach
  void tearDown() {
    lb.close();
  }

  @Test
  void thisOkHttpBuildsAttemptUrlsThroughItsConstructor() {
    // With the OkHttp release lbkit is built against, the cheap path is on (the class-load check
    // passed); a release that changes HttpUrl's constructor turns it off, and this test says so.
    assertThat(AttemptUrls.constructor()).isNotNull();
  }

  @Test
  void escapesQueriesAndFragmentsKeepTheirEncodingAndIpv6HostsTheirBrackets() {
    Settings s = settings("https", "/api/v%201");
    HttpUrl url = s.url("lb://inventory/a%20b/c%2Fd/caf%C3%A9?q=%2F&flag&sum=1+2&=x#frag%20y");
    HttpUrl t = s.target(url, Server.of("::1", 8443));
    assertThat(t.toString())
        .isEqualTo("https://[::1]:8443/api/v%201/a%20b/c%2Fd/caf%C3%A9"
            + "?q=%2F&flag&sum=1+2&=x#frag%20y");
    assertThat(t.host()).isEqualTo("::1");
    assertThat(t.port()).isEqualTo(8443);
    assertThat(t.pathSegments()).containsExactly("api", "v 1", "a b", "c/d", "café");
    assertThat(t.encodedPath()).isEqualTo("/api/v%201/a%20b/c%2Fd/caf%C3%A9");
    assertThat(t.queryParameter("q")).isEqualTo("/");
    assertThat(t.queryParameterValues("flag")).containsExactly((String) null);
    assertThat(t.queryParameter("sum")).isEqualTo("1 2");
    assertThat(t.queryParameter("")).isEqualTo("x");
    assertThat(t.encodedQuery()).isEqualTo("q=%2F&flag&sum=1+2&=x");
    assertThat(t.fragment()).isEqualTo("frag y");
    assertThat(t.uri().getRawPath()).isEqualTo("/api/v%201/a%20b/c%2Fd/caf%C3%A9");
    assertThat(t).isEqualTo(HttpUrl.get(t.toString()));

    HttpUrl v6 = s.target(url, Server.of("2001:DB8:0:0:0:0:0:7", 443));
    assertThat(v6.host()).as("canonical IPv6 form").isEqualTo("2001:db8::7");
    assertThat(v6.toString()).as("443 is https's default port")
        .startsWith("https://[2001:db8::7]/api/");
  }

  @Test
  void aRootPathAnEmptyQueryAndAnEmptyFragmentStayAsWritten() {
    Settings s = settings("http", "");
    Server server = Server.of("10.0.0.7", 80);
    assertThat(s.target(s.url("lb://inventory"), server).toString())
        .isEqualTo("http://10.0.0.7/");
    HttpUrl empty = s.target(s.url("lb://inventory/a/?#"), server);
    assertThat(empty.toString()).isEqualTo("http://10.0.0.7/a/?#");
    assertThat(empty.pathSegments()).containsExactly("a", "");
    assertThat(empty.encodedQuery()).isEmpty();
    assertThat(empty.querySize()).isEqualTo(1);
    assertThat(empty.fragment()).isEmpty();
    assertThat(s.target(s.url("lb://inventory/a"), server).query()).isNull();
  }

  @Test
  void aUrlWhoseTextIsNotSchemeHostThenPathGoesToTheBuilder() {
    // the adapters refuse such service URLs; should one come, its tail cannot be cut from its text
    AttemptUrls.Tail tail =
        new AttemptUrls.Tail(HttpUrl.get("http://[::1]/a%20b?q=1"), "", java.util.List.of());
    assertThat(tail.constructible).isFalse();
    HttpUrl t = AttemptUrls.of(new AttemptUrls.Origin("http", Server.of("10.0.0.7", 8080)), tail);
    assertThat(t.toString()).isEqualTo("http://10.0.0.7:8080/a%20b?q=1");
    assertThat(new AttemptUrls.Tail(HttpUrl.get("http://inventory/a"), "", java.util.List.of())
        .constructible).isTrue();
  }

  @Test
  void randomUrlsEqualWhatTheBuilderMakes() throws Throwable {
    Random random = new Random(16);
    String chars = "aZ09-._~ %/?#&=+;:@!$'()*,[]{}|\\^`\"<>éü€😀";
    Server[] servers = {
        Server.of("127.0.0.1", 8080), Server.of("::1", 443), Server.of("fe80::1:2", 80),
        Server.of("backend-3.example", 80), Server.of("10.1.2.3", 443),
    };
    String[] bases = {"", "/v2", "/a%20b/c"};
    int checked = 0;
    for (String scheme : new String[] {"http", "https"}) {
      for (String base : bases) {
        Settings s = settings(scheme, base);
        for (int i = 0; i < 200; i++) {
          HttpUrl url = randomUrl(random, chars);
          AttemptUrls.Tail tail = s.tail(url);
          Server server = servers[random.nextInt(servers.length)];
          AttemptUrls.Origin origin = new AttemptUrls.Origin(scheme, server);
          // through the constructor itself: of() would hide a failure behind the builder
          HttpUrl fast = AttemptUrls.constructed(AttemptUrls.constructor(), origin, tail);
          assertThat(AttemptUrls.of(origin, tail)).isEqualTo(fast);
          HttpUrl built = AttemptUrls.built(origin, tail);
          assertThat(fast.toString()).as("from %s", url).isEqualTo(built.toString());
          assertThat(fast.pathSegments()).as("from %s", url).isEqualTo(built.pathSegments());
          assertThat(fast.encodedQuery()).as("from %s", url).isEqualTo(built.encodedQuery());
          assertThat(queryOf(fast)).as("from %s", url).isEqualTo(queryOf(built));
          assertThat(fast.fragment()).as("from %s", url).isEqualTo(built.fragment());
          assertThat(fast.host()).isEqualTo(built.host());
          assertThat(fast.port()).isEqualTo(built.port());
          assertThat(AttemptUrls.same(fast, built)).as("from %s", url).isTrue();
          checked++;
        }
      }
    }
    assertThat(checked).isEqualTo(1200);
  }

  private static List<String> queryOf(HttpUrl url) {
    List<String> q = new ArrayList<>();
    for (int i = 0; i < url.querySize(); i++) {
      q.add(url.queryParameterName(i));
      q.add(url.queryParameterValue(i));
    }
    return q;
  }

  /** A service URL whose path, query and fragment mix plain, reserved and non-ASCII characters. */
  private static HttpUrl randomUrl(Random random, String chars) {
    HttpUrl.Builder b = new HttpUrl.Builder().scheme(random.nextBoolean() ? "http" : "https")
        .host("inventory");
    int segments = random.nextInt(4);
    for (int i = 0; i < segments; i++) {
      String seg = word(random, chars);
      if (seg.equals(".") || seg.equals("..")) {
        seg = "x"; // dot segments are resolved away, never part of a URL's path
      }
      b.addPathSegment(seg);
    }
    if (random.nextInt(4) == 0) {
      b.addPathSegment(""); // a trailing slash
    }
    int params = random.nextInt(4);
    for (int i = 0; i < params; i++) {
      String value = random.nextInt(4) == 0 ? null : word(random, chars);
      b.addQueryParameter(word(random, chars), value);
    }
    if (params == 0 && random.nextInt(4) == 0) {
      b.query(""); // "?" alone
    }
    if (random.nextInt(3) == 0) {
      b.fragment(word(random, chars));
    }
    HttpUrl built = b.build();
    // Half of them reparsed from text, as a caller's string URL would come in.
    return random.nextBoolean() ? built : HttpUrl.get(built.toString());
  }

  private static String word(Random random, String chars) {
    int n = random.nextInt(6);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.appendCodePoint(chars.codePoints().skip(random.nextInt(
          (int) chars.codePoints().count())).findFirst().getAsInt());
    }
    return sb.toString();
  }

  private Settings settings(String scheme, String basePath) {
    Settings s = new Settings(lb);
    s.service("inventory");
    s.scheme(scheme);
    s.basePath(basePath);
    return s;
  }
}
