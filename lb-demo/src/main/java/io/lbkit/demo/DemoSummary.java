package io.lbkit.demo;

import java.util.List;
import java.util.Map;

/**
 * What one demo run measured, for the printed summary and for tests.
 *
 * @param strategy the strategy's name
 * @param failover the failover mode as configured
 * @param seconds how long the workload ran
 * @param servers inventory servers at the start
 * @param clients order-service client threads
 * @param ordersPlaced orders whose write is recorded exactly as the service believes
 * @param ordersFailed orders the service had to give up on (the target is 0)
 * @param duplicateWrites order ids the inventory cluster recorded more than once (must be 0)
 * @param ambiguousWrites writes that ended without an answer (timeout, cut connection), which
 *     lbkit does not repeat; the service read each one back
 * @param resentAfterReadBack ambiguous writes the read-back showed were never recorded, sent again
 * @param p50Millis median order latency (stock read + reservation)
 * @param p99Millis 99th percentile order latency
 * @param ejections every ejection, in order
 * @param restorations every restoration, in order
 * @param requestsByServer requests each server received (its own count)
 * @param attempts attempts the balancer began, by kind (first, retry, hedge...), from its meters
 * @param budgetRefusals extra attempts the retry budget refused, from the balancer's meters
 * @param refusals calls refused for want of a server, from the balancer's meters
 * @param failures the first few reasons orders failed
 * @param registryEvents what discovery saw, in order (empty with a fixed pool)
 * @param registryDownSeconds how long the registry was unreachable, from the first failure to
 *     the first list after it
 */
public record DemoSummary(
    String strategy,
    String failover,
    double seconds,
    int servers,
    int clients,
    long ordersPlaced,
    long ordersFailed,
    long duplicateWrites,
    long ambiguousWrites,
    long resentAfterReadBack,
    double p50Millis,
    double p99Millis,
    List<HealthLog.Event> ejections,
    List<HealthLog.Event> restorations,
    Map<String, Long> requestsByServer,
    Map<String, Long> attempts,
    long budgetRefusals,
    long refusals,
    List<String> failures,
    List<String> registryEvents,
    double registryDownSeconds) {}
