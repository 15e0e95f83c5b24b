package io.lbkit.failover;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The recorder's output: records are encoded straight into one array and handed to the stream
 * when it fills, so an event costs a few array stores rather than a locked stream call per byte
 * (the recorder's own lock already serializes writers). Big-endian, as DataOutputStream writes.
 * Not thread-safe.
 */
final class RecordingBuffer {
  /** Room for any record but a SERVER one with long strings, which flushes as it goes. */
  private static final int MAX_FIXED_RECORD = 32;

  private final OutputStream out;
  private final byte[] buf;
  private int pos;

  RecordingBuffer(OutputStream out, int size) {
    this.out = out;
    this.buf = new byte[size];
  }

  /** Makes room for a fixed-size record (at most {@value #MAX_FIXED_RECORD} bytes). */
  void reserve() throws IOException {
    if (buf.length - pos < MAX_FIXED_RECORD) {
      flush();
    }
  }

  void putByte(int b) {
    buf[pos++] = (byte) b;
  }

  void putInt(int v) {
    buf[pos++] = (byte) (v >>> 24);
    buf[pos++] = (byte) (v >>> 16);
    buf[pos++] = (byte) (v >>> 8);
    buf[pos++] = (byte) v;
  }

  void putShort(int v) {
    buf[pos++] = (byte) (v >>> 8);
    buf[pos++] = (byte) v;
  }

  void putLong(long v) {
    putInt((int) (v >>> 32));
    putInt((int) v);
  }

  /** Unsigned LEB128: 7 bits a byte, low first, the high bit set on all but the last. */
  void putVarLong(long v) {
    while ((v & ~0x7FL) != 0) {
      buf[pos++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[pos++] = (byte) v;
  }

  /** Zigzag first, so that a small negative number stays short too. */
  void putZigZag(long v) {
    putVarLong((v << 1) ^ (v >> 63));
  }

  /** Length, then UTF-8; may flush, so only between fixed-size parts. */
  void putString(String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    reserve();
    putVarLong(b.length);
    if (b.length > buf.length - pos) {
      flush();
      out.write(b);
    } else {
      System.arraycopy(b, 0, buf, pos, b.length);
      pos += b.length;
    }
  }

  void flush() throws IOException {
    if (pos > 0) {
      out.write(buf, 0, pos);
      pos = 0;
    }
  }

  void close() throws IOException {
    try {
      flush();
    } finally {
      out.close();
    }
  }
}
