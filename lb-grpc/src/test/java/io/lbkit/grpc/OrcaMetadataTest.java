package io.lbkit.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Metadata;
import io.lbkit.LoadReport;
import io.lbkit.LoadTracker;
import io.lbkit.Server;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ORCA's per-call load reports in gRPC metadata: the binary message, its BIN and TEXT forms. */
class OrcaMetadataTest {
  private final Server server = Server.of("10.0.0.1", 50051);
  private final LoadTracker tracker = LoadTracker.create();

  {
    tracker.onStart(server); // the tracker keeps reports only for servers it holds metrics for
  }

  /** The example of ORCA's design document (cpu 0.1, rps_fractional 2, named foo and bar). */
  private static final String SPEC_EXAMPLE =
      "CZqZmZmZmbk/MQAAAAAAAABAQg4KA2ZvbxGamZmZmZm5P0IOCgNiYXIRmpmZmZmZyT8=";

  @Test
  void decodesTheSpecsExample() {
    LoadReport r = OrcaMetadata.parseBinary(Base64.getDecoder().decode(SPEC_EXAMPLE));
    assertThat(r.cpuUtilization()).isEqualTo(0.1);
    assertThat(r.qps()).isEqualTo(2.0);
    assertThat(r.eps()).isZero();
    assertThat(r.namedMetrics()).isEqualTo(Map.of("foo", 0.1, "bar", 0.2));
  }

  @Test
  void readsEveryKeptFieldAndSkipsTheOthers() {
    byte[] bytes = new Proto()
        .fixed64(1, 0.25) // cpu_utilization
        .fixed64(2, 0.5) // mem_utilization: checked, not kept
        .entry(4, "rc", 3.0) // request_cost: skipped
        .entry(5, "gpu", 0.9) // utilization: skipped
        .fixed64(6, 120.5) // rps_fractional
        .fixed64(7, 1.5) // eps
        .varint(3, 99) // the deprecated integer rps: rps_fractional wins
        .fixed64(9, 0.75) // application_utilization
        .varint(15, 7).fixed32(16).bytes(17, "later") // fields of a later version
        .bytes();
    LoadReport r = OrcaMetadata.parseBinary(bytes);
    assertThat(r).isEqualTo(LoadReport.builder().cpuUtilization(0.25).qps(120.5).eps(1.5)
        .applicationUtilization(0.75).build());
    assertThat(OrcaMetadata.parseBinary(new Proto().varint(3, 40).bytes()).qps()).isEqualTo(40);
    assertThat(OrcaMetadata.parseBinary(new byte[0])).isEqualTo(LoadReport.builder().build());
  }

  @Test
  void malformedBytesAreRefusedNamingTheFieldAndTheByte() {
    byte[] truncated = new Proto().fixed64(1, 0.25).bytes();
    assertThatThrownBy(() -> OrcaMetadata.parseBinary(java.util.Arrays.copyOf(truncated, 5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("endpoint-load-metrics-bin: cpu_utilization at byte 1: found the end of the "
            + "bytes");
    assertThatThrownBy(() -> OrcaMetadata.parseBinary(new Proto().varint(1, 3).bytes()))
        .hasMessageContaining("cpu_utilization at byte 1: found wire type 0 (expected 1)");
    assertThatThrownBy(() -> OrcaMetadata.parseBinary(new Proto().fixed64(7, -1.0).bytes()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("eps");
    assertThatThrownBy(() -> OrcaMetadata.parseBinary(new Proto().fixed64(2, Double.NaN).bytes()))
        .hasMessageContaining("mem_utilization is NaN");
    assertThatThrownBy(() -> OrcaMetadata.parseBinary(new byte[] {0x42, 0x7F, 0x0A}))
        .hasMessageContaining("named_metrics at byte 2: found 127 bytes where 1 are left");
    // field 4 (skipped) and field 8 (a map entry) with a length of 2^64 - 11, negative as a long
    byte[] negative = {(byte) 0xF5, -1, -1, -1, -1, -1, -1, -1, -1, 0x01};
    for (byte tag : new byte[] {0x22, 0x42}) {
      byte[] b = new byte[11];
      b[0] = tag;
      System.arraycopy(negative, 0, b, 1, 10);
      assertThatThrownBy(() -> OrcaMetadata.parseBinary(b))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bytes where");
    }
    assertThatThrownBy(() -> OrcaMetadata.parseBinary(new byte[] {0x53})) // field 10, a group
        .hasMessageContaining("field 10 at byte 1: found wire type 3");
  }

  @Test
  void eachFormInMetadataIsReportedForTheServer() {
    byte[] binary = new Proto().fixed64(1, 0.5).fixed64(6, 80).bytes();

    Metadata bin = new Metadata();
    bin.put(OrcaMetadata.BINARY, binary);
    bin.put(OrcaMetadata.TEXT, "TEXT cpu_utilization=0.9"); // the binary trailer wins
    assertThat(OrcaMetadata.report(tracker, server, bin)).isTrue();
    assertThat(tracker.metrics(server).loadReport()).isEqualTo(LoadReport.of(0.5, 80, 0));

    Metadata base64 = new Metadata();
    base64.put(OrcaMetadata.TEXT, "BIN " + Base64.getEncoder().encodeToString(
        new Proto().fixed64(1, 0.25).fixed64(6, 40).bytes()));
    assertThat(OrcaMetadata.report(tracker, server, base64)).isTrue();
    assertThat(tracker.metrics(server).loadReport()).isEqualTo(LoadReport.of(0.25, 40, 0));

    Metadata text = new Metadata();
    text.put(OrcaMetadata.TEXT, "TEXT cpu_utilization=0.125, rps_fractional=10, eps=1");
    assertThat(OrcaMetadata.report(tracker, server, text)).isTrue();
    assertThat(tracker.metrics(server).loadReport()).isEqualTo(LoadReport.of(0.125, 10, 1));
  }

  @Test
  void aMalformedReportIsDroppedAndTheLastOneStays() {
    Metadata text = new Metadata();
    text.put(OrcaMetadata.TEXT, "TEXT cpu_utilization=0.5, rps_fractional=10");
    OrcaMetadata.report(tracker, server, text);

    Metadata notBase64 = new Metadata();
    notBase64.put(OrcaMetadata.TEXT, "BIN !!!");
    Metadata badBinary = new Metadata();
    badBinary.put(OrcaMetadata.BINARY, new byte[] {0x09, 0x01});
    Metadata badText = new Metadata();
    badText.put(OrcaMetadata.TEXT, "JSON {\"cpu_utilization\": 0.3}");
    for (Metadata m : new Metadata[] {notBase64, badBinary, badText, new Metadata()}) {
      assertThat(OrcaMetadata.report(tracker, server, m)).isFalse();
    }
    assertThat(tracker.metrics(server).loadReport()).isEqualTo(LoadReport.of(0.5, 10, 0));
  }

  /** Writes protobuf's wire format, for the tests' messages. */
  static final class Proto {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Proto fixed64(int field, double v) {
      raw((long) field << 3 | 1);
      long bits = Double.doubleToRawLongBits(v);
      for (int i = 0; i < 8; i++) {
        out.write((int) (bits >>> (8 * i)));
      }
      return this;
    }

    Proto fixed32(int field) {
      raw((long) field << 3 | 5);
      out.write(new byte[4], 0, 4);
      return this;
    }

    Proto varint(int field, long v) {
      raw((long) field << 3);
      raw(v);
      return this;
    }

    Proto bytes(int field, String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      raw((long) field << 3 | 2);
      raw(b.length);
      out.write(b, 0, b.length);
      return this;
    }

    /** A map<string, double> entry. */
    Proto entry(int field, String key, double value) {
      byte[] e = new Proto().bytes(1, key).fixed64(2, value).bytes();
      raw((long) field << 3 | 2);
      raw(e.length);
      out.write(e, 0, e.length);
      return this;
    }

    byte[] bytes() {
      return out.toByteArray();
    }

    private void raw(long v) {
      while ((v & ~0x7FL) != 0) {
        out.write((int) (v & 0x7F) | 0x80);
        v >>>= 7;
      }
      out.write((int) v);
    }
  }
}
