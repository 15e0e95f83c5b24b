/**
 * OkHttp 5 behind an lbkit {@code LoadBalancer}: {@code io.lbkit.okhttp}'s {@code LbInterceptor}
 * picks each attempt's server inside an {@code OkHttpClient}, and {@code LbCallFactory} runs the
 * parallel modes (hedged, forking) that an interceptor cannot.
 *
 * <p>Transitive on {@code io.lbkit.health} (the balancer this API takes) and on {@code okhttp3}
 * (OkHttp 5's automatic module name; its requests, responses and calls appear in this API). OkHttp
 * brings okio and kotlin-stdlib.
 */
module io.lbkit.okhttp {
  requires transitive io.lbkit.health;
  requires transitive okhttp3;
  requires org.slf4j;

  exports io.lbkit.okhttp;
}
