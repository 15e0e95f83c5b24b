package io.lbkit.discovery;

import io.lbkit.Server;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import org.xbill.DNS.lookup.LookupResult;
import org.xbill.DNS.lookup.LookupSession;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;
import org.xbill.DNS.lookup.ServerFailedException;

/**
 * The dnsjava side of {@link DnsSource}: one lookup of one name for one or two record types,
 * turned into servers and a TTL. No cache here (the resolver asked keeps one), so every lookup
 * asks.
 *
 * <p>Why dnsjava rather than the JDK's JNDI DNS provider ({@code com.sun.jndi.dns}): JNDI gives
 * SRV records but not their TTL, so the refresh could not follow the records; it reports every
 * failure as a {@code NamingException}, where NXDOMAIN (an empty answer) must be told from
 * SERVFAIL (a failure); and it is blocking, one thread per lookup in flight. dnsjava gives each
 * record's TTL, a distinct exception per response code, asynchronous lookups, and lets a test
 * point it at its own server and port.
 */
final class DnsLookup {
  private final Name name;
  private final int[] types;
  private final int port;
  private final LookupSession session;

  DnsLookup(Name name, int[] types, int port, List<InetSocketAddress> servers,
      Duration timeout) {
    this.name = name;
    this.types = types.clone();
    this.port = port;
    ResolverConfig system = ResolverConfig.getCurrentConfig();
    this.session = LookupSession.builder()
        .resolver(resolver(servers, timeout))
        .searchPath(system.searchPath())
        .ndots(system.ndots())
        .build();
  }

  /**
   * Two tries per server, each with half the lookup's timeout, so that one lost UDP packet is
   * retried within the time the poll loop allows.
   */
  private static Resolver resolver(List<InetSocketAddress> servers, Duration timeout) {
    Duration perTry = timeout.dividedBy(2);
    ExtendedResolver resolver;
    if (servers.isEmpty()) {
      resolver = new ExtendedResolver();
      for (Resolver r : resolver.getResolvers()) {
        r.setTimeout(perTry);
      }
    } else {
      List<Resolver> each = new ArrayList<>();
      for (InetSocketAddress s : servers) {
        SimpleResolver r = new SimpleResolver(s);
        r.setTimeout(perTry);
        each.add(r);
      }
      resolver = new ExtendedResolver(each);
    }
    resolver.setRetries(2);
    resolver.setTimeout(timeout);
    return resolver;
  }

  CompletionStage<PollLoop.Answer> resolve() {
    List<CompletableFuture<List<Record>>> parts = new ArrayList<>();
    for (int type : types) {
      parts.add(records(type));
    }
    return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
      List<Server> servers = new ArrayList<>();
      long ttl = Long.MAX_VALUE;
      for (CompletableFuture<List<Record>> part : parts) {
        for (Record r : part.join()) {
          Server s = toServer(r);
          if (s != null) {
            servers.add(s);
            ttl = Math.min(ttl, r.getTTL());
          }
        }
      }
      return new PollLoop.Answer(servers,
          servers.isEmpty() ? null : Duration.ofSeconds(ttl));
    });
  }

  /** The records of one type: empty for NXDOMAIN and NODATA, a failure for anything else. */
  private CompletableFuture<List<Record>> records(int type) {
    return session.lookupAsync(name, type).toCompletableFuture().handle((result, error) -> {
      if (error == null) {
        return answerRecords(result, type);
      }
      Throwable cause = error instanceof CompletionException && error.getCause() != null
          ? error.getCause() : error;
      if (cause instanceof NoSuchDomainException || cause instanceof NoSuchRRSetException) {
        return List.of();
      }
      String what = cause instanceof ServerFailedException ? "SERVFAIL" : cause.toString();
      throw new CompletionException(new IOException(
          "DNS " + Type.string(type) + " " + name + ": " + what, cause));
    });
  }

  private static List<Record> answerRecords(LookupResult result, int type) {
    List<Record> out = new ArrayList<>();
    for (Record r : result.getRecords()) {
      if (r.getType() == type) {
        out.add(r);
      }
    }
    return out;
  }

  private Server toServer(Record r) {
    if (r instanceof ARecord) {
      return Server.of(((ARecord) r).getAddress().getHostAddress(), port);
    }
    if (r instanceof AAAARecord) {
      return Server.of(bracketed(((AAAARecord) r).getAddress()), port);
    }
    SRVRecord srv = (SRVRecord) r;
    if (srv.getTarget().equals(Name.root)) {
      return null; // "decidedly not available at this domain" (RFC 2782)
    }
    String host = srv.getTarget().toString(true); // without the final dot
    return Server.builder(host, srv.getPort())
        .priority(srv.getPriority())
        .weight(Math.max(1, srv.getWeight())) // SRV weight 0 is "rarely", not lbkit's drain
        .build();
  }

  /** An IPv6 address as RFC 5952 writes it (lower case, longest zero run as ::), bracketed. */
  static String bracketed(InetAddress address) {
    byte[] b = address.getAddress();
    if (!(address instanceof Inet6Address) || b.length != 16) {
      return address.getHostAddress();
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1; // a single zero group is not shortened
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLength - 1;
        continue;
      }
      if (sb.length() > 1 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(groups[i]));
    }
    return sb.append(']').toString();
  }
}
