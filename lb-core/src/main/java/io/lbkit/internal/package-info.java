/**
 * Not API: the selector machinery and the helpers lbkit's own modules share, exported only to
 * {@code io.lbkit.testing}, {@code io.lbkit.strategies} and {@code io.lbkit.health}. Applications
 * use {@link io.lbkit.Selector}; anything here may change in any release.
 *
 * <ul>
 *   <li>{@link DefaultSelector}: the selector behind {@code Selector.builder()} and the {@code
 *       LoadBalancer}: the volatile picker and its serial write path.
 *   <li>{@link TrackedAttempt}: the {@code Attempt} every selector hands out.
 *   <li>{@link Checks}: the argument checks and their message shape, {@code "weight: -1 (expected:
 *       >= 0)"}, and the 365-day bound on every duration setting.
 *   <li>{@link Hashing}, {@link SeededRandom}, {@link Overprovisioning}: key hashing, the seeded
 *       random source, and Envoy's overprovisioning rule for zones and priority tiers.
 * </ul>
 */
package io.lbkit.internal;
