package io.lbkit.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;

class OutcomeClassifierTest {
  private final OutcomeClassifier defaults = OutcomeClassifier.defaults();

  @Test
  void httpStatusesFiveHundredAndUpAndTooManyRequestsAreFailures() {
    assertThat(defaults.classify(response(200), null)).isEqualTo(Outcome.SUCCESS);
    assertThat(defaults.classify(response(404), null)).isEqualTo(Outcome.SUCCESS);
    assertThat(defaults.classify(response(499), null)).isEqualTo(Outcome.SUCCESS);
    assertThat(defaults.classify(response(429), null)).isEqualTo(Outcome.FAILURE);
    assertThat(defaults.classify(response(500), null)).isEqualTo(Outcome.FAILURE);
    assertThat(defaults.classify(response(503), null)).isEqualTo(Outcome.FAILURE);
    assertThat(defaults.classify("any value", null)).isEqualTo(Outcome.SUCCESS);
  }

  @Test
  void errorsThatProveTheRequestNeverLeftAreNotSent() {
    assertThat(defaults.classify(null, new ConnectException("refused")))
        .isEqualTo(Outcome.NOT_SENT);
    assertThat(defaults.classify(null, new HttpConnectTimeoutException("connect")))
        .isEqualTo(Outcome.NOT_SENT);
    assertThat(defaults.classify(null, new UnknownHostException("nope")))
        .isEqualTo(Outcome.NOT_SENT);
    assertThat(defaults.classify(null,
        new CompletionException(new ConnectException("refused")))).isEqualTo(Outcome.NOT_SENT);
  }

  @Test
  void timeoutsAreTimeoutsAndOtherErrorsFailures() {
    assertThat(defaults.classify(null, new SocketTimeoutException())).isEqualTo(Outcome.TIMEOUT);
    assertThat(defaults.classify(null, new HttpTimeoutException("read")))
        .isEqualTo(Outcome.TIMEOUT);
    assertThat(defaults.classify(null, new TimeoutException())).isEqualTo(Outcome.TIMEOUT);
    assertThat(defaults.classify(null,
        new UncheckedIOException(new SocketTimeoutException()))).isEqualTo(Outcome.TIMEOUT);
    assertThat(defaults.classify(null, new IOException("reset"))).isEqualTo(Outcome.FAILURE);
    assertThat(defaults.classify(null, new IllegalStateException())).isEqualTo(Outcome.FAILURE);
  }

  @Test
  void userClassifierDecidesAndNullDefersToTheDefaults() {
    OutcomeClassifier user = (r, e) -> "conflict".equals(r) ? Outcome.FAILURE : null;
    assertThat(DefaultClassifier.classify(user, "conflict", null)).isEqualTo(Outcome.FAILURE);
    assertThat(DefaultClassifier.classify(user, "fine", null)).isEqualTo(Outcome.SUCCESS);
    assertThat(DefaultClassifier.classify(user, null, new ConnectException()))
        .isEqualTo(Outcome.NOT_SENT);
    OutcomeClassifier broken = (r, e) -> {
      throw new IllegalStateException("bug");
    };
    assertThat(DefaultClassifier.classify(broken, response(503), null))
        .isEqualTo(Outcome.FAILURE);
  }

  private static HttpResponse<String> response(int status) {
    return new HttpResponse<>() {
      @Override
      public int statusCode() {
        return status;
      }

      @Override
      public HttpRequest request() {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1/")).build();
      }

      @Override
      public Optional<HttpResponse<String>> previousResponse() {
        return Optional.empty();
      }

      @Override
      public HttpHeaders headers() {
        return HttpHeaders.of(Map.of(), (a, b) -> true);
      }

      @Override
      public String body() {
        return "";
      }

      @Override
      public Optional<SSLSession> sslSession() {
        return Optional.empty();
      }

      @Override
      public URI uri() {
        return URI.create("http://127.0.0.1/");
      }

      @Override
      public HttpClient.Version version() {
        return HttpClient.Version.HTTP_1_1;
      }
    };
  }
}
