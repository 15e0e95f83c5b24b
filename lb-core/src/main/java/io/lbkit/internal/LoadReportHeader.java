package io.lbkit.internal;

import io.lbkit.HealthTracker;
import io.lbkit.LoadReport;
import io.lbkit.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the HTTP adapters (lb-http, lb-okhttp) do with an {@code endpoint-load-metrics} header
 * of a response: parse its TEXT form ({@link LoadReport#parseText}) and report it for the server
 * that answered. A malformed header is dropped with a DEBUG line: a server's bad report must never
 * fail the call that carried it.
 */
public final class LoadReportHeader {
  private static final Logger log = LoggerFactory.getLogger(LoadReportHeader.class);

  private LoadReportHeader() {}

  /**
   * Reports {@code value}, when there is one, to {@code tracker} for {@code server}.
   *
   * @param tracker the balancer's tracker
   * @param server the server whose response carried the header
   * @param value the header's value, or null when the response had none
   * @return true when a report was recorded
   */
  public static boolean report(HealthTracker tracker, Server server, String value) {
    if (value == null) {
      return false;
    }
    LoadReport r;
    try {
      r = LoadReport.parseText(value);
    } catch (IllegalArgumentException e) {
      log.debug("{} from {} ignored: {}", LoadReport.HEADER, server.id(), e.getMessage());
      return false;
    }
    tracker.onLoadReport(server, r);
    return true;
  }
}
