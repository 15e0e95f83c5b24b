package io.lbkit.discovery;

import java.time.Duration;
import java.util.Locale;

/** Durations for log lines, in the unit a person reads them in: 250 ms, 1.5 s, 30 s, 2 min. */
final class Durations {
  private Durations() {}

  static String readable(Duration d) {
    return readable(d.toNanos());
  }

  static String readable(long nanos) {
    if (nanos < 1_000_000_000L) {
      return String.format(Locale.ROOT, "%d ms", Math.round(nanos / 1e6));
    }
    double seconds = nanos / 1e9;
    if (seconds < 120) {
      return seconds == Math.rint(seconds) ? String.format(Locale.ROOT, "%d s", (long) seconds)
          : String.format(Locale.ROOT, "%.1f s", seconds);
    }
    double minutes = seconds / 60;
    return minutes == Math.rint(minutes) ? String.format(Locale.ROOT, "%d min", (long) minutes)
        : String.format(Locale.ROOT, "%.1f min", minutes);
  }
}
