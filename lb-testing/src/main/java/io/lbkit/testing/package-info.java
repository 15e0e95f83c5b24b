/**
 * Test fixtures for code that uses lbkit: time that moves only when told to, and a scheduler on
 * that time, so that ejections, backoffs, health ticks and slow starts are tested without
 * sleeping.
 *
 * <ul>
 *   <li>{@link io.lbkit.testing.ManualTicker}: a {@link io.lbkit.Ticker} moved by {@code advance}
 *       or {@code set}; thread-safe, never backwards.
 *   <li>{@link io.lbkit.testing.ManualScheduler}: a {@link io.lbkit.Scheduler} on a manual
 *       ticker. Nothing runs by itself: queued tasks run on the test's thread, in due-time order,
 *       when the test calls {@code runDue()} or {@code advance(d)}, and a blocking backoff ({@code
 *       sleep}) advances the ticker instead of waiting.
 * </ul>
 *
 * <p>One scheduler serves a balancer and its health monitor, as in production. Given a scheduler
 * and an executor that runs tasks on the calling thread, a balancer starts no thread at all, so a
 * test decides exactly what runs when:
 *
 * <pre>{@code
 * ManualTicker ticker = new ManualTicker();
 * ManualScheduler scheduler = new ManualScheduler(ticker);
 * LoadBalancer lb = LoadBalancer.builder(pool).strategy(Strategies.roundRobin())
 *     .ticker(ticker).scheduler(scheduler).executor(Runnable::run)
 *     .build();
 * // ... five failures in a row eject a server ...
 * scheduler.advance(Duration.ofSeconds(30));   // its ejection ends; the pickers are rebuilt
 * }</pre>
 */
package io.lbkit.testing;
