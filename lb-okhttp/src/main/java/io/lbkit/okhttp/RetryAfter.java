package io.lbkit.okhttp;

import java.time.Clock;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import okhttp3.Headers;

/**
 * Reads a {@code Retry-After} header (RFC 9110 section 10.2.3): delay-seconds, or an HTTP-date
 * read against the answer's own {@code Date} header when it has one (the server's clock decides,
 * not the skew between the two), else against the given wall clock. OkHttp's {@link
 * Headers#getDate} parses the dates. lb-http has the same rules over {@code java.net.http}'s
 * headers; the two are kept apart so that neither module depends on the other.
 */
final class RetryAfter {
  /** No usable header: absent, malformed or negative. */
  static final long NONE = -1L;

  private RetryAfter() {}

  /** The wait the header asks for, in nanoseconds (0 for a date in the past), or {@link #NONE}. */
  static long nanos(Headers headers, Clock clock) {
    String v = headers.get("Retry-After");
    if (v == null) {
      return NONE;
    }
    v = v.trim();
    if (!v.isEmpty() && digits(v)) {
      if (v.length() > 12) {
        return Long.MAX_VALUE; // beyond any cap: more than 31 000 years
      }
      return TimeUnit.SECONDS.toNanos(Long.parseLong(v));
    }
    Date at = headers.getDate("Retry-After");
    if (at == null) {
      return NONE;
    }
    Date date = headers.getDate("Date");
    long now = date != null ? date.getTime() : clock.millis();
    return TimeUnit.MILLISECONDS.toNanos(Math.max(0L, at.getTime() - now));
  }

  private static boolean digits(String v) {
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
