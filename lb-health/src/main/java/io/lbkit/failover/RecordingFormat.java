package io.lbkit.failover;

/**
 * The recording file's layout, shared by {@link CallRecorder} (writes) and {@link CallRecording}
 * (reads). Format version 1:
 *
 * <pre>
 * file    = magic:int "LBRC"  version:short 1  origin:long  record*  EOF
 * record  = SERVER id host port:int weight:int zone priority:int n:varint (key value){n}
 *         | POOL     dt n:varint index:varint{n}
 *         | CALL     dt flags:byte (string | long)?    flags: 1 idempotent, 2 write,
 *                                                       4 string key, 8 long key
 *         | ENDED    dt kind:byte index:varint outcome:byte duration:varlong
 *         | CANCELLED dt kind:byte index:varint duration:varlong
 *         | REFUSED  dt reason:byte
 *         | BUDGET   dt kind:byte
 *         | MARK     dt
 * EOF     = 0 events:varlong     (the count of records above except SERVER, as a check)
 * dt      = zigzag varlong: this record's ticker reading minus the previous one's (the origin
 *           for the first), so that a burst of events costs a byte or two of time each
 * string  = length:varint, then that many bytes of UTF-8
 * </pre>
 *
 * A SERVER record comes once per distinct server (id and every attribute), before the first
 * record that names its index; indices count from 0 in that order. Enum bytes are the ordinals
 * of AttemptKind, Outcome and NoServerAvailableException.Reason as of version 1.
 */
final class RecordingFormat {
  static final int MAGIC = 0x4C425243; // "LBRC"
  static final short VERSION = 1;

  static final int EOF = 0;
  static final int SERVER = 1;
  static final int POOL = 2;
  static final int CALL = 3;
  static final int ENDED = 4;
  static final int CANCELLED = 5;
  static final int REFUSED = 6;
  static final int BUDGET = 7;
  static final int MARK = 8;
  static final int MAX_TAG = MARK;

  static final int IDEMPOTENT = 1;
  static final int WRITE = 2;
  static final int STRING_KEY = 4;
  static final int LONG_KEY = 8;

  private RecordingFormat() {}

  static long unZigZag(long v) {
    return (v >>> 1) ^ -(v & 1);
  }
}
