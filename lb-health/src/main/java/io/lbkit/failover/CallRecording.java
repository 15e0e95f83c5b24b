package io.lbkit.failover;

import io.lbkit.NoServerAvailableException;
import io.lbkit.Server;
import io.lbkit.internal.Checks;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A recording that a {@link CallRecorder} wrote, read back whole: the servers it named and its
 * events in order. Immutable and safe to share.
 */
public final class CallRecording {
  private static final AttemptKind[] KINDS = AttemptKind.values();
  private static final Outcome[] OUTCOMES = Outcome.values();
  private static final NoServerAvailableException.Reason[] REASONS =
      NoServerAvailableException.Reason.values();
  private static final int MAX_STRING = 1 << 20;

  private final long originNanos;
  private final List<Server> servers;
  private final List<RecordedEvent> events;
  private final long endNanos;

  private CallRecording(long originNanos, List<Server> servers, List<RecordedEvent> events,
      long endNanos) {
    this.originNanos = originNanos;
    this.servers = Collections.unmodifiableList(servers);
    this.events = Collections.unmodifiableList(events);
    this.endNanos = endNanos;
  }

  /**
   * Reads the recording in {@code file}.
   *
   * @param file a file a {@link CallRecorder} wrote and closed
   * @return its contents
   * @throws IOException if it cannot be read, is not a recording, has another format version,
   *     is truncated or corrupt (the message names the file, the event and what was expected)
   * @throws NullPointerException if {@code file} is null
   */
  public static CallRecording read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(Checks.notNull(file, "file"))) {
      return read(in, file.toString());
    }
  }

  /**
   * Reads a recording from {@code in}, up to its end record; does not close {@code in}.
   *
   * @param in the bytes a {@link CallRecorder} wrote
   * @return its contents
   * @throws IOException as {@link #read(Path)}
   * @throws NullPointerException if {@code in} is null
   */
  public static CallRecording read(InputStream in) throws IOException {
    return read(Checks.notNull(in, "in"), "recording");
  }

  private static CallRecording read(InputStream in, String name) throws IOException {
    return new Reader(new DataInputStream(new BufferedInputStream(in)), name).read();
  }

  /** {@return the ticker reading at which recording began; event times count from it} */
  public long originNanos() {
    return originNanos;
  }

  /** {@return every server the recording names, by index} */
  public List<Server> servers() {
    return servers;
  }

  /** {@return the events in the order they were written} */
  public List<RecordedEvent> events() {
    return events;
  }

  /**
   * {@return when the recorded period ended, in nanoseconds since the origin}: the time of
   * {@link CallRecorder#markEnd()} (or of its close, which marks too).
   */
  public long endNanos() {
    return endNanos;
  }

  @Override
  public String toString() {
    return "CallRecording{" + servers.size() + " servers, " + events.size() + " events, "
        + endNanos / 1_000_000 + " ms}";
  }

  /** Parses one stream; {@code expected} names what the next read is for, for error messages. */
  private static final class Reader {
    private final DataInputStream in;
    private final String name;
    private final List<Server> servers = new ArrayList<>();
    private final List<RecordedEvent> events = new ArrayList<>();
    private String expected = "the header";
    private long time;

    Reader(DataInputStream in, String name) {
      this.in = in;
      this.name = name;
    }

    CallRecording read() throws IOException {
      try {
        return parse();
      } catch (EOFException e) {
        throw corrupt("truncated", e);
      }
    }

    private CallRecording parse() throws IOException {
      int magic = in.readInt();
      if (magic != RecordingFormat.MAGIC) {
        throw corrupt("not a call recording: magic 0x" + Integer.toHexString(magic), null);
      }
      expected = "the format version";
      short version = in.readShort();
      if (version != RecordingFormat.VERSION) {
        throw new IOException(name + ": format version " + version + " (expected: "
            + RecordingFormat.VERSION + ")");
      }
      expected = "the origin";
      long origin = in.readLong();
      long end = -1;
      while (true) {
        expected = "a record tag (0.." + RecordingFormat.MAX_TAG + ")";
        int tag = in.readUnsignedByte();
        if (tag == RecordingFormat.EOF) {
          expected = "the event count of the end record";
          long count = readVarLong();
          if (count != events.size()) {
            throw corrupt("the end record counts " + count + " events but " + events.size()
                + " were read", null);
          }
          return new CallRecording(origin, servers, events, end >= 0 ? end : time);
        }
        if (tag == RecordingFormat.SERVER) {
          servers.add(server());
          continue;
        }
        if (tag > RecordingFormat.MAX_TAG) {
          throw corrupt("record tag " + tag, null);
        }
        expected = "the time of a record";
        time += RecordingFormat.unZigZag(readVarLong());
        RecordedEvent e = event(tag);
        if (e instanceof RecordedEvent.EndMarked && end < 0) {
          end = time;
        }
        events.add(e);
      }
    }

    private RecordedEvent event(int tag) throws IOException {
      switch (tag) {
        case RecordingFormat.POOL: {
          expected = "the member count of a pool change";
          int n = count();
          List<Integer> members = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            expected = "member " + i + " of " + n + " of a pool change";
            members.add(index());
          }
          return new RecordedEvent.PoolChanged(time, members);
        }
        case RecordingFormat.CALL: {
          expected = "the flags of a call";
          int flags = in.readUnsignedByte();
          Object key = null;
          if ((flags & RecordingFormat.LONG_KEY) != 0) {
            expected = "the long key of a call";
            key = in.readLong();
          } else if ((flags & RecordingFormat.STRING_KEY) != 0) {
            expected = "the string key of a call";
            key = string();
          }
          return new RecordedEvent.CallStarted(time, key,
              (flags & RecordingFormat.IDEMPOTENT) != 0, (flags & RecordingFormat.WRITE) != 0);
        }
        case RecordingFormat.ENDED: {
          AttemptKind kind = kind();
          int server = attemptServer();
          expected = "the outcome of an attempt";
          Outcome outcome = ordinal(OUTCOMES, in.readUnsignedByte(), "outcome");
          expected = "the duration of an attempt";
          return new RecordedEvent.AttemptEnded(time, kind, server, outcome, readVarLong());
        }
        case RecordingFormat.CANCELLED: {
          AttemptKind kind = kind();
          int server = attemptServer();
          expected = "the duration of a cancelled attempt";
          return new RecordedEvent.AttemptCancelled(time, kind, server, readVarLong());
        }
        case RecordingFormat.REFUSED:
          expected = "the reason of a refused choice";
          return new RecordedEvent.ChooseRefused(time,
              ordinal(REASONS, in.readUnsignedByte(), "reason"));
        case RecordingFormat.BUDGET:
          return new RecordedEvent.BudgetRefused(time, kind());
        default: // MARK
          return new RecordedEvent.EndMarked(time);
      }
    }

    private AttemptKind kind() throws IOException {
      expected = "the kind of an attempt";
      return ordinal(KINDS, in.readUnsignedByte(), "attempt kind");
    }

    private int attemptServer() throws IOException {
      expected = "the server index of an attempt";
      return index();
    }

    private Server server() throws IOException {
      expected = "server " + servers.size() + " of the table";
      String id = string();
      String host = string();
      int port = in.readInt();
      int weight = in.readInt();
      String zone = string();
      int priority = in.readInt();
      int n = count();
      Server.Builder b = Server.builder(host, port).id(id).weight(weight).priority(priority);
      if (!zone.isEmpty()) {
        b.zone(zone);
      }
      for (int i = 0; i < n; i++) {
        b.metadata(string(), string());
      }
      try {
        return b.build();
      } catch (IllegalArgumentException e) {
        throw corrupt("invalid server: " + e.getMessage(), e);
      }
    }

    private int index() throws IOException {
      long i = readVarLong();
      if (i < 0 || i >= servers.size()) {
        throw corrupt("server index " + i + " (expected: < " + servers.size()
            + ", the servers named so far)", null);
      }
      return (int) i;
    }

    private int count() throws IOException {
      long n = readVarLong();
      if (n < 0 || n > Integer.MAX_VALUE) {
        throw corrupt("count " + n, null);
      }
      return (int) n;
    }

    private String string() throws IOException {
      int n = count();
      if (n > MAX_STRING) {
        throw corrupt("string of " + n + " bytes (expected: <= " + MAX_STRING + ")", null);
      }
      byte[] b = new byte[n];
      in.readFully(b);
      return new String(b, StandardCharsets.UTF_8);
    }

    private long readVarLong() throws IOException {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int b = in.readUnsignedByte();
        v |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return v;
        }
      }
      throw corrupt("a variable-length number longer than 10 bytes", null);
    }

    private <T> T ordinal(T[] values, int i, String what) throws IOException {
      if (i >= values.length) {
        throw corrupt(what + " " + i + " (expected: < " + values.length + ")", null);
      }
      return values[i];
    }

    private IOException corrupt(String what, Throwable cause) {
      return new IOException(name + ": " + what + " after " + events.size() + " events and "
          + servers.size() + " servers (expected: " + expected + ")", cause);
    }
  }
}
