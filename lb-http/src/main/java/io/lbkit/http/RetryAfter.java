package io.lbkit.http;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Reads a {@code Retry-After} header (RFC 9110 section 10.2.3): delay-seconds, or an HTTP-date
 * read against the answer's own {@code Date} header when it has one (so the server's clock, not
 * the skew between the two clocks, decides), else against the given wall clock.
 */
final class RetryAfter {
  /** No usable header: absent, malformed or negative. */
  static final long NONE = -1L;

  private RetryAfter() {}

  /** The wait the header asks for, in nanoseconds (0 for a date in the past), or {@link #NONE}. */
  static long nanos(HttpHeaders headers, Clock clock) {
    Optional<String> header = headers.firstValue("Retry-After");
    if (header.isEmpty()) {
      return NONE;
    }
    String v = header.get().trim();
    if (!v.isEmpty() && v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      if (v.length() > 12) {
        return Long.MAX_VALUE; // beyond any cap: more than 31 000 years
      }
      return TimeUnit.SECONDS.toNanos(Long.parseLong(v));
    }
    long at = epochMillis(v);
    if (at == Long.MIN_VALUE) {
      return NONE;
    }
    long now = headers.firstValue("Date").map(RetryAfter::epochMillis)
        .filter(d -> d != Long.MIN_VALUE).orElseGet(clock::millis);
    return TimeUnit.MILLISECONDS.toNanos(Math.max(0L, at - now));
  }

  /** An HTTP-date (IMF-fixdate, which RFC 1123's format reads) as epoch millis; MIN_VALUE if not. */
  private static long epochMillis(String date) {
    try {
      return ZonedDateTime.parse(date.trim(), DateTimeFormatter.RFC_1123_DATE_TIME)
          .toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      return Long.MIN_VALUE;
    }
  }
}
