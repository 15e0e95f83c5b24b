/**
 * Server-side load reports and probe answers: {@link io.lbkit.server.LoadReporter}, its filter
 * for JDK {@code HttpServer} contexts and its probe handler.
 */
package io.lbkit.server;
