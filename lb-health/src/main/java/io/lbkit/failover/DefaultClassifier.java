package io.lbkit.failover;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The rules documented on {@link OutcomeClassifier#defaults()}. */
enum DefaultClassifier implements OutcomeClassifier {
  INSTANCE;

  private static final Logger log = LoggerFactory.getLogger(DefaultClassifier.class);

  @Override
  public Outcome classify(Object result, Throwable error) {
    if (error == null) {
      if (result instanceof HttpResponse) {
        int status = ((HttpResponse<?>) result).statusCode();
        return status >= 500 || status == 429 ? Outcome.FAILURE : Outcome.SUCCESS;
      }
      return Outcome.SUCCESS;
    }
    Throwable e = unwrap(error);
    // Order matters: a connect timeout is also an HttpTimeoutException, but it never left.
    if (e instanceof ConnectException || e instanceof HttpConnectTimeoutException
        || e instanceof NoRouteToHostException || e instanceof UnknownHostException
        || e instanceof PortUnreachableException || e instanceof CallNotPermittedException) {
      return Outcome.NOT_SENT;
    }
    if (e instanceof HttpTimeoutException || e instanceof InterruptedIOException
        || e instanceof TimeoutException) {
      return Outcome.TIMEOUT; // SocketTimeoutException is an InterruptedIOException
    }
    return Outcome.FAILURE;
  }

  static Throwable unwrap(Throwable error) {
    Throwable e = error;
    for (int depth = 0; depth < 8 && e.getCause() != null; depth++) {
      if (e instanceof CompletionException || e instanceof ExecutionException
          || e instanceof UncheckedIOException) {
        e = e.getCause();
      } else {
        break;
      }
    }
    return e;
  }

  /** The user's classifier, with null answers and exceptions handed to the defaults. */
  static Outcome classify(OutcomeClassifier user, Object result, Throwable error) {
    if (user != INSTANCE) {
      try {
        Outcome o = user.classify(result, error);
        if (o != null) {
          return o;
        }
      } catch (RuntimeException e) {
        log.warn("outcome classifier {} failed; using the defaults", user, e);
      }
    }
    return INSTANCE.classify(result, error);
  }
}
