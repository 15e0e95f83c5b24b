package io.lbkit.demo;

import io.lbkit.failover.Outcome;
import io.lbkit.failover.OutcomeClassifier;
import java.net.http.HttpResponse;

/**
 * The inventory service's outcome rules: a 503 is {@link Outcome#NOT_SENT}, everything else as
 * {@link OutcomeClassifier#defaults()} (other 5xx and 429 failures, connection refused not sent,
 * timeouts timeouts).
 *
 * <p>Why a 503 may count as "not sent": {@link InventoryServer} answers 503 before it records a
 * write, as a load shedder does, and documents it. So a 503 write may safely go to another server,
 * and it still counts against the server's health (every outcome but SUCCESS does). This is this
 * service's contract, not an HTTP rule: for a service that may answer 503 after doing the work,
 * keep the defaults, under which a 503 write is not repeated.
 */
public final class InventoryClassifier implements OutcomeClassifier {
  public static final InventoryClassifier INSTANCE = new InventoryClassifier();

  private InventoryClassifier() {}

  @Override
  public Outcome classify(Object result, Throwable error) {
    if (result instanceof HttpResponse && ((HttpResponse<?>) result).statusCode() == 503) {
      return Outcome.NOT_SENT;
    }
    return null; // the defaults decide
  }
}
