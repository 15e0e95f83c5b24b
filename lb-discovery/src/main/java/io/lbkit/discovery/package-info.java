/**
 * Service discovery: keeps a {@link io.lbkit.ServerPool} in step with where its servers are
 * listed (a file, DNS, a registry), and keeps it serving when that listing breaks.
 *
 * <h2>The picture</h2>
 *
 * <pre>
 *   ServerSource  --full list / error-->  Discovery  --update (only when it changed)-->  ServerPool
 *   (static, file,                        validate, drop repeats,                       selectors
 *    DNS, polling,                        keep last good list,                          rebuild
 *    your own)     &lt;--refresh() hint--   drain then remove after a delay,
 *                                         status, events, logs
 * </pre>
 *
 * <ul>
 *   <li>{@link io.lbkit.discovery.ServerSource}: the SPI. A source pushes its <em>whole</em>
 *       current list, never a delta, and its failures, to a {@link
 *       io.lbkit.discovery.ServerSource.Listener}. It keeps no policy: every source gets the same
 *       protection from the binder. {@link io.lbkit.discovery.ServerSource#of} is a fixed list.
 *   <li>{@link io.lbkit.discovery.Discovery}: the binder. Identical lists are dropped (no pool
 *       update, no picker rebuild); servers keep their {@code host:port} ids, so per-server state
 *       survives; the last good list is kept on errors and on empty, null or invalid answers
 *       (empty accepted only with {@code allowEmpty()}); a server that leaves is drained at once
 *       and removed after the removal delay (30 s), or restored if it comes back first;
 *       additions apply at once. {@code ready()}, {@code status()} and {@code refresh()} (a
 *       rate-limited hint) are for the application; a {@link
 *       io.lbkit.discovery.DiscoveryListener} and SLF4J hear every change (INFO) and each outage
 *       once (WARN).
 *   <li>{@link io.lbkit.discovery.PollingSource}: a function of yours, called on a {@link
 *       io.lbkit.discovery.Polling} schedule (every 30 s; on failures, a jittered backoff from 1 s
 *       to 30 s).
 *   <li>{@link io.lbkit.discovery.FileSource}: a server-list file, read again every second and
 *       parsed when it changed (not a {@code WatchService}; the class says why).
 *   <li>{@link io.lbkit.discovery.DnsSource}: A/AAAA or SRV records, resolved again when their
 *       TTL runs out (clamped to [1 s, 60 s]); SRV priority becomes {@code Server.priority()}, so
 *       {@code primaryBackup()} follows DNS; SRV weight 0 ("rarely") becomes weight 1, not
 *       lbkit's drain.
 * </ul>
 *
 * <h2>Time and threads</h2>
 *
 * All time is the binder's {@link io.lbkit.Ticker} and all timers its {@link io.lbkit.Scheduler},
 * shared with the source through {@link io.lbkit.discovery.ServerSource.Context}: a test drives a
 * binder, its polling, backoff, removal delays and ready timeout with one {@code ManualScheduler}
 * (lb-testing) and never sleeps. Blocking lookups (your function, a file read) run on the
 * context's executor; DNS lookups are asynchronous. Given a scheduler and an executor, a binder
 * starts no thread.
 *
 * <h2>Decisions</h2>
 *
 * <ul>
 *   <li><b>DNS library: dnsjava</b> (BSD-3-Clause, a named module whose only required dependency
 *       is slf4j-api). The JDK's JNDI DNS provider answers SRV queries but gives no TTL, so
 *       refreshes could not follow the records; it reports NXDOMAIN and SERVFAIL as the same
 *       {@code NamingException}, where one is an empty answer and the other a failure; and it
 *       blocks a thread per lookup. dnsjava gives every record's TTL, one exception per response
 *       code, asynchronous lookups, and a resolver address of our choosing (the tests run
 *       dnsmasq on a loopback port). No dnsjava type is in this package's API.
 *   <li><b>Removal delay 30 s</b>: long enough for a server's in-flight calls to finish
 *       (Kubernetes gives a terminating pod 30 s by default) and for a registry blip to pass
 *       without a state reset (Finagle keeps departed members "in limbo" for a ZooKeeper session
 *       timeout); cheap, because a drained server takes no new calls.
 *   <li><b>Empty answers rejected by default</b>, as Dubbo's empty-push protection does: a
 *       registry that answers "nobody" is far more often broken than right.
 *   <li><b>Order does not matter</b>: a list is compared with the last one as a set of servers,
 *       so DNS's rotating answers are recognised as repeats; pool members keep their positions
 *       and newcomers are appended.
 * </ul>
 */
package io.lbkit.discovery;
