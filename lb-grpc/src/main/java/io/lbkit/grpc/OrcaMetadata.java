package io.lbkit.grpc;

import io.grpc.Metadata;
import io.lbkit.HealthTracker;
import io.lbkit.LoadReport;
import io.lbkit.Server;
import io.lbkit.internal.LoadReportHeader;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-call load reports in gRPC metadata, in the forms ORCA defines: the binary {@code
 * xds.data.orca.v3.OrcaLoadReport} in the {@value #BINARY_NAME} trailer (what gRPC servers with
 * ORCA's per-call recorder send), or the {@value LoadReport#HEADER} header or trailer, in its
 * TEXT form or its BIN form (the same bytes in base64). Each is reported for the server that
 * answered; a malformed one is dropped with a DEBUG line, never failing the call that carried it.
 */
final class OrcaMetadata {
  static final String BINARY_NAME = "endpoint-load-metrics-bin";
  static final Metadata.Key<byte[]> BINARY =
      Metadata.Key.of(BINARY_NAME, Metadata.BINARY_BYTE_MARSHALLER);
  static final Metadata.Key<String> TEXT =
      Metadata.Key.of(LoadReport.HEADER, Metadata.ASCII_STRING_MARSHALLER);

  private static final Logger log = LoggerFactory.getLogger(OrcaMetadata.class);

  private OrcaMetadata() {}

  /**
   * Reports the load report {@code metadata} carries, if any, for {@code server}.
   *
   * @return true when a report was recorded
   */
  static boolean report(HealthTracker tracker, Server server, Metadata metadata) {
    byte[] binary = metadata.get(BINARY);
    if (binary != null) {
      return reportBinary(tracker, server, binary, BINARY_NAME);
    }
    String text = metadata.get(TEXT);
    if (text == null) {
      return false;
    }
    String t = text.strip();
    if (t.regionMatches(true, 0, "BIN", 0, 3) && t.length() > 3
        && Character.isWhitespace(t.charAt(3))) {
      byte[] decoded;
      try {
        decoded = Base64.getDecoder().decode(t.substring(4).strip());
      } catch (IllegalArgumentException e) {
        log.debug("{} from {} ignored: BIN form not base64: {}", LoadReport.HEADER, server.id(),
            e.getMessage());
        return false;
      }
      return reportBinary(tracker, server, decoded, LoadReport.HEADER);
    }
    return LoadReportHeader.report(tracker, server, text);
  }

  private static boolean reportBinary(HealthTracker tracker, Server server, byte[] bytes,
      String from) {
    LoadReport r;
    try {
      r = parseBinary(bytes);
    } catch (RuntimeException e) { // whatever the bytes, the call that carried them goes on
      log.debug("{} from {} ignored: {}", from, server.id(), e.getMessage());
      return false;
    }
    tracker.onLoadReport(server, r);
    return true;
  }

  /**
   * Decodes the protobuf wire form of {@code OrcaLoadReport}: cpu_utilization (1),
   * mem_utilization (2, checked and not kept), rps (3, the deprecated integer, used when
   * rps_fractional is absent), rps_fractional (6), eps (7), named_metrics (8) and
   * application_utilization (9); request_cost (4), utilization (5) and unknown fields are skipped.
   *
   * @throws IllegalArgumentException when the bytes are not such a message, or a figure is out of
   *     range (negative, NaN or infinite), naming the field and the byte where it stopped
   */
  static LoadReport parseBinary(byte[] bytes) {
    Wire in = new Wire(bytes, 0, bytes.length);
    LoadReport.Builder b = LoadReport.builder();
    double rpsFractional = -1;
    long rps = -1;
    while (in.more()) {
      int tag = in.tag();
      int field = tag >>> 3;
      int type = tag & 7;
      switch (field) {
        case 1 -> b.cpuUtilization(in.fixedDouble(type, "cpu_utilization"));
        case 2 -> checked(in.fixedDouble(type, "mem_utilization"), "mem_utilization");
        case 3 -> rps = in.varint(type, "rps");
        case 6 -> rpsFractional = in.fixedDouble(type, "rps_fractional");
        case 7 -> b.eps(in.fixedDouble(type, "eps"));
        case 8 -> namedMetric(in.message(type, "named_metrics"), b);
        case 9 -> b.applicationUtilization(in.fixedDouble(type, "application_utilization"));
        default -> in.skip(type, field);
      }
    }
    if (rpsFractional >= 0) {
      b.qps(rpsFractional);
    } else if (rps >= 0) {
      b.qps(rps);
    }
    return b.build();
  }

  /** A figure LoadReport does not keep, checked as the ones it keeps are. */
  private static void checked(double v, String field) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(BINARY_NAME + ": " + field + " is " + v
          + " (expected a finite number >= 0)");
    }
  }

  /** One map entry: key (1, a string), value (2, a double). */
  private static void namedMetric(Wire entry, LoadReport.Builder b) {
    String key = "";
    double value = 0;
    while (entry.more()) {
      int tag = entry.tag();
      switch (tag >>> 3) {
        case 1 -> key = entry.string(tag & 7, "named_metrics key");
        case 2 -> value = entry.fixedDouble(tag & 7, "named_metrics value");
        default -> entry.skip(tag & 7, tag >>> 3);
      }
    }
    b.namedMetric(key, value);
  }

  /** A reader over {@code bytes[from, to)} of protobuf's wire format. */
  private static final class Wire {
    private final byte[] bytes;
    private int at;
    private final int end;

    Wire(byte[] bytes, int from, int to) {
      this.bytes = bytes;
      this.at = from;
      this.end = to;
    }

    boolean more() {
      return at < end;
    }

    int tag() {
      long t = rawVarint("a field tag");
      if (t >>> 3 == 0 || t > Integer.MAX_VALUE) {
        throw bad("a field tag", "field number " + (t >>> 3));
      }
      return (int) t;
    }

    double fixedDouble(int type, String field) {
      expect(type, 1, field);
      need(8, field);
      long v = 0;
      for (int i = 7; i >= 0; i--) {
        v = (v << 8) | (bytes[at + i] & 0xFF);
      }
      at += 8;
      return Double.longBitsToDouble(v);
    }

    long varint(int type, String field) {
      expect(type, 0, field);
      return rawVarint(field);
    }

    Wire message(int type, String field) {
      expect(type, 2, field);
      int n = length(field);
      Wire w = new Wire(bytes, at, at + n);
      at += n;
      return w;
    }

    String string(int type, String field) {
      expect(type, 2, field);
      int n = length(field);
      String s = new String(bytes, at, n, java.nio.charset.StandardCharsets.UTF_8);
      at += n;
      return s;
    }

    void skip(int type, int field) {
      String what = "field " + field;
      switch (type) {
        case 0 -> rawVarint(what);
        case 1 -> {
          need(8, what);
          at += 8;
        }
        case 2 -> {
          int n = length(what); // before the add: "at += length()" would read at first
          at += n;
        }
        case 5 -> {
          need(4, what);
          at += 4;
        }
        default -> throw bad(what, "wire type " + type);
      }
    }

    private int length(String field) {
      long n = rawVarint(field + " length");
      if (n < 0 || n > end - at) { // a varint of 2^63 or more reads as negative
        throw bad(field, n + " bytes where " + (end - at) + " are left");
      }
      return (int) n;
    }

    private long rawVarint(String field) {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        need(1, field);
        byte x = bytes[at++];
        v |= (long) (x & 0x7F) << shift;
        if (x >= 0) {
          return v;
        }
      }
      throw bad(field, "a varint longer than 10 bytes");
    }

    private void expect(int type, int expected, String field) {
      if (type != expected) {
        throw bad(field, "wire type " + type + " (expected " + expected + ")");
      }
    }

    private void need(int n, String field) {
      if (end - at < n) {
        throw bad(field, "the end of the bytes");
      }
    }

    private IllegalArgumentException bad(String field, String found) {
      return new IllegalArgumentException(BINARY_NAME + ": " + field + " at byte " + at
          + ": found " + found);
    }
  }
}
