package io.lbkit.okhttp;

import io.lbkit.Server;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import kotlin.jvm.internal.DefaultConstructorMarker;
import okhttp3.HttpUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each attempt's URL: the chosen server's origin, then the base path and the request's encoded
 * path, query and fragment.
 *
 * <p>Why not only {@code HttpUrl.Builder}: a builder re-canonicalizes every path segment and the
 * query, percent-decodes them again and writes the whole string out, 400-700 ns and about 1 kB
 * an attempt ({@code OkHttpUrlBenchmark}), which was most of what lb-okhttp added to a request.
 * Everything it computes is known already: the request URL's decoded path segments, query and
 * fragment, its encoded text after the host (one call's {@link Tail}), and the server's canonical
 * scheme, host and port (one {@link Origin} per server, made by the builder). {@code
 * Builder.build()} hands exactly those parts to {@code HttpUrl}'s constructor, which Kotlin
 * compiles to a public synthetic one; when it is there, an attempt calls it with them, so an
 * attempt's URL costs one string concatenation. It is not OkHttp's API, so it is checked when this
 * class loads: on URLs with escapes, empty and valueless queries, fragments, IPv4 and IPv6 hosts,
 * default and other ports and a base path, it must give what the builder gives, part by part. If
 * it is missing, fails or differs, every attempt uses the builder.
 */
final class AttemptUrls {
  private static final Logger log = LoggerFactory.getLogger(AttemptUrls.class);

  /** HttpUrl's constructor (scheme, username, password, host, port, pathSegments,
   *  queryNamesAndValues, fragment, url, marker), or null to use the builder. */
  private static final MethodHandle CONSTRUCTOR = verified(find());

  private AttemptUrls() {}

  /** One server's part of its attempts' URLs, made once by the builder (canonical host). */
  static final class Origin {
    final HttpUrl url;
    /** {@code scheme://host[:port]}, the host bracketed if IPv6, the port only if not default. */
    final String prefix;

    Origin(String scheme, Server server) {
      this.url = new HttpUrl.Builder().scheme(scheme).host(server.host()).port(server.port())
          .build();
      String s = url.toString(); // ends with the root path's "/"
      this.prefix = s.substring(0, s.length() - 1);
    }
  }

  /** One call's part of its attempts' URLs: the same for every attempt, so computed once. */
  static final class Tail {
    final HttpUrl url;
    final String basePath;
    /** The base path, then the request's encoded path, query and fragment, as in its text. */
    final String text;
    /** Decoded, the base path's first. */
    final List<String> segments;
    /** Decoded names and values, alternating (a null value: no '='); null for no query. */
    final List<String> query;

    /** Whether {@link #text} could be cut from the URL's text; if not, the builder makes it. */
    final boolean constructible;

    /**
     * {@code url} has no user info and its scheme's default port, and its host needs no
     * brackets (the adapters check that), so its text is {@code scheme://host} followed by the
     * tail; checked here too, so that a URL of another shape goes to the builder.
     */
    Tail(HttpUrl url, String basePath, List<String> baseSegments) {
      this.url = url;
      this.basePath = basePath;
      String s = url.toString();
      int hostAt = url.scheme().length() + 3;
      int hostEnd = hostAt + url.host().length();
      this.constructible = s.startsWith("://", url.scheme().length())
          && s.regionMatches(hostAt, url.host(), 0, url.host().length())
          && hostEnd < s.length() && s.charAt(hostEnd) == '/';
      String after = constructible ? s.substring(hostEnd) : "";
      this.text = basePath.isEmpty() ? after : basePath.concat(after);
      List<String> path = url.pathSegments();
      if (baseSegments.isEmpty()) {
        this.segments = path;
      } else {
        List<String> all = new ArrayList<>(baseSegments.size() + path.size());
        all.addAll(baseSegments);
        all.addAll(path);
        this.segments = Collections.unmodifiableList(all);
      }
      int n = url.querySize();
      if (n == 0) {
        this.query = null;
      } else {
        List<String> q = new ArrayList<>(2 * n);
        for (int i = 0; i < n; i++) {
          q.add(url.queryParameterName(i));
          q.add(url.queryParameterValue(i));
        }
        this.query = Collections.unmodifiableList(q);
      }
    }
  }

  /** The attempt URL of the call {@code tail} on the server {@code origin}. */
  static HttpUrl of(Origin origin, Tail tail) {
    MethodHandle c = CONSTRUCTOR;
    if (c != null && tail.constructible) {
      try {
        return constructed(c, origin, tail);
      } catch (RuntimeException e) {
        log.debug("HttpUrl's constructor refused {}, built by the builder", tail.url, e);
      } catch (Error e) {
        throw e;
      } catch (Throwable e) {
        throw new AssertionError("HttpUrl's constructor declares no checked exception", e);
      }
    }
    return built(origin, tail);
  }

  /** The URL through {@code c}, HttpUrl's constructor, without falling back; for tests too. */
  static HttpUrl constructed(MethodHandle c, Origin origin, Tail tail) throws Throwable {
    return (HttpUrl) c.invokeExact(origin.url.scheme(), "", "", origin.url.host(),
        origin.url.port(), tail.segments, tail.query, tail.url.fragment(),
        origin.prefix.concat(tail.text), (DefaultConstructorMarker) null);
  }

  /** HttpUrl's constructor if this OkHttp has it and it passed the class-load check; or null. */
  static MethodHandle constructor() {
    return CONSTRUCTOR;
  }

  /** The same URL through {@code HttpUrl.Builder}: what {@link #of} must give. */
  static HttpUrl built(Origin origin, Tail tail) {
    HttpUrl url = tail.url;
    return origin.url.newBuilder().encodedPath(tail.basePath + url.encodedPath())
        .encodedQuery(url.encodedQuery()).encodedFragment(url.encodedFragment()).build();
  }

  private static MethodHandle find() {
    try {
      return MethodHandles.publicLookup().findConstructor(HttpUrl.class,
          MethodType.methodType(void.class, String.class, String.class, String.class,
              String.class, int.class, List.class, List.class, String.class, String.class,
              DefaultConstructorMarker.class));
    } catch (NoSuchMethodException | IllegalAccessException | RuntimeException e) {
      log.debug("attempt URLs built by HttpUrl.Builder: no usable constructor ({})", e.toString());
      return null;
    }
  }

  /** {@code c}, if it builds every sample as the builder does; else null. */
  private static MethodHandle verified(MethodHandle c) {
    if (c == null) {
      return null;
    }
    String[] urls = {
        "http://inventory/",
        "http://inventory/items/42",
        "http://inventory/items/a%2Fb/%20c/caf%C3%A9?fields=stock&x=%20&flag&p=a+b&e=&=v#top%20x",
        "http://inventory/a/?",
        "http://inventory/a//b/?q=%26%3D#",
        "https://inventory/%E2%82%AC/?%E2%82%AC=%C3%A9#%C3%A9",
    };
    Server[] servers = {
        Server.of("10.0.0.1", 8080), Server.of("::1", 443), Server.of("2001:db8::7", 80),
        Server.of("backend.example", 80),
    };
    try {
      for (String scheme : new String[] {"http", "https"}) {
        for (Server server : servers) {
          Origin origin = new Origin(scheme, server);
          for (String base : new String[] {"", "/v2/a%20b"}) {
            List<String> baseSegments = base.isEmpty() ? List.of()
                : HttpUrl.get("http://x" + base).pathSegments();
            for (String u : urls) {
              Tail tail = new Tail(HttpUrl.get(u), base, baseSegments);
              HttpUrl fast = constructed(c, origin, tail);
              HttpUrl slow = built(origin, tail);
              if (!same(fast, slow)) {
                log.debug("attempt URLs built by HttpUrl.Builder: its constructor gave {} for {}",
                    fast, slow);
                return null;
              }
            }
          }
        }
      }
    } catch (Throwable e) {
      log.debug("attempt URLs built by HttpUrl.Builder: its constructor failed ({})",
          e.toString());
      return null;
    }
    return c;
  }

  /** Whether {@code a} and {@code b} agree on every part OkHttp exposes. */
  static boolean same(HttpUrl a, HttpUrl b) {
    if (!a.toString().equals(b.toString()) || !a.equals(b) || a.hashCode() != b.hashCode()
        || !a.scheme().equals(b.scheme()) || !a.host().equals(b.host()) || a.port() != b.port()
        || !a.username().equals(b.username()) || !a.password().equals(b.password())
        || !a.encodedUsername().equals(b.encodedUsername())
        || !a.encodedPassword().equals(b.encodedPassword())
        || !a.pathSegments().equals(b.pathSegments())
        || !a.encodedPathSegments().equals(b.encodedPathSegments())
        || !a.encodedPath().equals(b.encodedPath()) || a.pathSize() != b.pathSize()
        || !Objects.equals(a.encodedQuery(), b.encodedQuery())
        || !Objects.equals(a.query(), b.query()) || a.querySize() != b.querySize()
        || !a.queryParameterNames().equals(b.queryParameterNames())
        || !Objects.equals(a.fragment(), b.fragment())
        || !Objects.equals(a.encodedFragment(), b.encodedFragment())
        || a.isHttps() != b.isHttps() || !a.uri().equals(b.uri())
        || !a.redact().equals(b.redact())) {
      return false;
    }
    for (int i = 0; i < a.querySize(); i++) {
      if (!a.queryParameterName(i).equals(b.queryParameterName(i))
          || !Objects.equals(a.queryParameterValue(i), b.queryParameterValue(i))) {
        return false;
      }
    }
    return true;
  }
}
