package io.lbkit.strategy;

import io.lbkit.Fleet;
import io.lbkit.Strategy;
import io.lbkit.internal.Checks;
import java.time.Duration;

/**
 * One factory per selection algorithm. Every strategy returned here builds its structures on the
 * write path and picks without locks or allocation. Strategies are immutable and may be shared by
 * any number of selectors.
 */
public final class Strategies {
  /** Least-connections pools up to this size are scanned exactly; larger ones use P2C. */
  public static final int DEFAULT_EXACT_SCAN_LIMIT = 16;

  /** Envoy's default {@code active_request_bias}: cost = (inFlight + 1) / weight. */
  public static final double DEFAULT_ACTIVE_REQUEST_BIAS = 1.0;

  /** The latency assumed for a server before any call to it completed, as Envoy's default. */
  public static final Duration DEFAULT_RTT = Duration.ofMillis(10);

  private static final Strategy LEAST_CONNECTIONS =
      new LeastConnectionsStrategy(DEFAULT_EXACT_SCAN_LIMIT);
  private static final Strategy WEIGHTED_LEAST_CONNECTIONS =
      new WeightedLeastConnectionsStrategy(DEFAULT_ACTIVE_REQUEST_BIAS, DEFAULT_EXACT_SCAN_LIMIT);
  private static final Strategy PEAK_EWMA = new PeakEwmaStrategy(DEFAULT_RTT);

  private Strategies() {}

  /**
   * Each candidate in turn: one calling thread sees an exact rotation, concurrent threads walk it
   * through separate cursors instead of contending on one counter, and the rotation carries on
   * across pool and health changes.
   *
   * @return the strategy, immutable and shareable by any number of selectors
   */
  public static Strategy roundRobin() {
    return RoundRobinStrategy.INSTANCE;
  }

  /**
   * A uniformly random candidate, from the selector's {@link io.lbkit.RandomSource}.
   *
   * @return the strategy, immutable and shareable by any number of selectors
   */
  public static Strategy random() {
    return RandomStrategy.INSTANCE;
  }

  /**
   * Smooth weighted round robin in nginx's order (weights 5,1,1 give a a b a c a a), from a
   * cycle precomputed when the candidates change; O(1) lock-free picks with per-thread cursors.
   * Honours slow-start ramps through the effective weights.
   *
   * @return the strategy, immutable and shareable by any number of selectors
   */
  public static Strategy weightedRoundRobin() {
    return WeightedRoundRobinStrategy.INSTANCE;
  }

  /**
   * A random candidate with probability proportional to its effective weight, from an alias table
   * built on the write path: O(1) picks.
   *
   * @return the strategy, immutable and shareable by any number of selectors
   */
  public static Strategy weightedRandom() {
    return WeightedRandomStrategy.INSTANCE;
  }

  /**
   * Fewest in-flight calls; exact up to {@value #DEFAULT_EXACT_SCAN_LIMIT} candidates, power of
   * two choices above; ties broken randomly.
   *
   * @return the strategy, immutable and shareable by any number of selectors
   */
  public static Strategy leastConnections() {
    return LEAST_CONNECTIONS;
  }

  /**
   * Fewest in-flight calls, scanning every candidate when there are at most {@code
   * exactScanLimit} of them and comparing two random ones otherwise.
   *
   * @param exactScanLimit {@code >= 0}: pools up to this size are scanned exactly, larger ones use
   *     P2C; 0 always uses P2C
   * @return a new strategy
   * @throws IllegalArgumentException if {@code exactScanLimit} is negative
   */
  public static Strategy leastConnections(int exactScanLimit) {
    return new LeastConnectionsStrategy(exactScanLimit);
  }

  /**
   * Least {@code (inFlight + 1)^bias / weight} (Envoy's least request with weights), bias
   * {@value #DEFAULT_ACTIVE_REQUEST_BIAS}; exact scan up to {@value #DEFAULT_EXACT_SCAN_LIMIT}
   * candidates, power of two choices above.
   *
   * @return the strategy, immutable and shareable by any number of selectors
   */
  public static Strategy weightedLeastConnections() {
    return WEIGHTED_LEAST_CONNECTIONS;
  }

  /**
   * Least {@code (inFlight + 1)^activeRequestBias / weight}.
   *
   * @param activeRequestBias >= 0: 0 ignores load, 1 is in-flight per unit of weight, higher
   *     reacts more strongly to load
   * @param exactScanLimit >= 0: pools up to this size are scanned exactly, larger ones use P2C
   * @return a new strategy
   * @throws IllegalArgumentException if {@code activeRequestBias} is negative, infinite or NaN, or
   *     {@code exactScanLimit} is negative
   */
  public static Strategy weightedLeastConnections(double activeRequestBias, int exactScanLimit) {
    return new WeightedLeastConnectionsStrategy(activeRequestBias, exactScanLimit);
  }

  /**
   * Two distinct random candidates, the one with fewer in-flight calls wins.
   *
   * @return the strategy, immutable and shareable by any number of selectors
   */
  public static Strategy powerOfTwoChoices() {
    return PowerOfTwoChoicesStrategy.INSTANCE;
  }

  /**
   * Least response time: of two random candidates, the lower peak-EWMA latency x (in-flight + 1)
   * wins; {@link #DEFAULT_RTT} before a server has data. The EWMA decay time is the tracker's
   * ({@code LoadTracker.create(ticker, decay)}, 10 s by default).
   *
   * @return the strategy, immutable and shareable by any number of selectors
   */
  public static Strategy peakEwma() {
    return PEAK_EWMA;
  }

  /**
   * {@link #peakEwma()} with another latency assumed before a server has data.
   *
   * @param defaultRtt the assumed latency, in (0, 365 days]
   * @return a new strategy
   * @throws NullPointerException if {@code defaultRtt} is null
   * @throws IllegalArgumentException if {@code defaultRtt} is zero, negative or above 365 days
   */
  public static Strategy peakEwma(Duration defaultRtt) {
    return new PeakEwmaStrategy(defaultRtt);
  }

  // ---- Hash family and wrappers (issue 3, hash half) ----------------------------------------
  // Hash strategies map Request.keyHash() (computed once by Request.withKey) to a server; a request
  // without a key gets a random position. They ignore the slow-start ramp: key affinity wins.

  /**
   * Key hash ("IP hash"): {@code choose(Request.withKey(k))} maps k's 64-bit hash onto the
   * candidates by multiply-high reduction, weights honoured in O(1) through an alias table. Any
   * change of the candidates remaps most keys. No key: weighted random.
   *
   * @return the strategy, immutable and shareable by any number of selectors
   */
  public static Strategy hash() {
    return HashStrategy.INSTANCE;
  }

  /**
   * Ketama consistent hashing, {@value ConsistentHashConfig#DEFAULT_VNODES_PER_WEIGHT} ring points
   * per unit of weight, no load bound: removing a server moves only its keys; a pick is a binary
   * search. No key: a random position.
   *
   * @return the strategy, immutable and shareable by any number of selectors
   */
  public static Strategy consistentHash() {
    return consistentHash(ConsistentHashConfig.defaults());
  }

  /**
   * Ketama consistent hashing with these settings, for example {@code
   * consistentHash(ConsistentHashConfig.builder().boundedLoad(1.25).build())} for bounded loads.
   *
   * @param config the ring's settings
   * @return a new strategy
   * @throws NullPointerException if {@code config} is null
   */
  public static Strategy consistentHash(ConsistentHashConfig config) {
    return new ConsistentHashStrategy(Checks.notNull(config, "config"));
  }

  /**
   * Maglev hashing over a lookup table of 65537 slots (Envoy's default): O(1) pick, weights
   * honoured, keys spread evenly. Disruption is not minimal: removing one server moves about its
   * own share of keys in a small pool but several times that in a large one (measured, one
   * server removed from N equal ones, keys moved over the keys it owned: 1.03 at N = 10, 1.57 at
   * 100, 6.2 at 1000). For large pools whose keys must stay put, give a larger table ({@link
   * #maglev(int)}: 3.0 at N = 1000 with 1 000 003 slots, at 4 MB per picker) or use {@link
   * #rendezvous()} or {@link #consistentHash()}, whose disruption is minimal by construction.
   * No key: a random slot.
   *
   * @return the strategy, immutable and shareable by any number of selectors
   */
  public static Strategy maglev() {
    return maglev(MaglevStrategy.DEFAULT_TABLE_SIZE);
  }

  /**
   * Maglev hashing over a table of {@code tableSize} slots, a prime; building a picker over more
   * candidates than slots fails. Larger tables spread keys more evenly and move fewer on a change
   * (figures at {@link #maglev()}), at 4 bytes per slot per picker and a rebuild in O(M log M).
   *
   * @param tableSize a prime in 2..2^26, at least the largest candidate count expected
   * @return a new strategy
   * @throws IllegalArgumentException when {@code tableSize} is not a prime in 2..2^26
   */
  public static Strategy maglev(int tableSize) {
    return new MaglevStrategy(tableSize);
  }

  /**
   * Weighted rendezvous (highest random weight) hashing: no table, exact minimal disruption, an
   * O(n) pick. Prefer it for small pools or many independent selectors.
   *
   * @return the strategy, immutable and shareable by any number of selectors
   */
  public static Strategy rendezvous() {
    return RendezvousStrategy.INSTANCE;
  }

  /**
   * Prefers servers in {@code localZone} while at least 1 / 1.4 of its weighted servers (and at
   * least one) are available, spilling over to all zones otherwise; {@code delegate} picks.
   *
   * @param localZone this client's zone, compared with {@link io.lbkit.Server#zone()}
   * @param delegate picks among the local candidates, or among all of them
   * @return a new strategy
   * @throws NullPointerException if {@code localZone} or {@code delegate} is null
   * @throws IllegalArgumentException if {@code localZone} is blank
   */
  public static Strategy zoneAware(String localZone, Strategy delegate) {
    return zoneAware(ZoneAwareConfig.of(localZone), delegate);
  }

  /**
   * Zone preference with explicit thresholds; see {@link ZoneAwareConfig}.
   *
   * @param config the local zone and when it has enough servers
   * @param delegate picks among the local candidates, or among all of them
   * @return a new strategy
   * @throws NullPointerException if {@code config} or {@code delegate} is null
   */
  public static Strategy zoneAware(ZoneAwareConfig config, Strategy delegate) {
    Checks.notNull(config, "config");
    return new ZoneAwareStrategy(config, Checks.notNull(delegate, "delegate"));
  }

  /**
   * Deterministic subsetting (Google SRE book, ch. 20): this client uses a stable subset of {@code
   * size} servers, chosen so that clients with ids 0..C-1 spread evenly (every server gets the
   * same number of clients, plus or minus one, when size divides the pool). A decimal {@code
   * clientId} (a replica ordinal) is used as is; any other id is hashed, which balances only
   * statistically. {@code delegate} picks within the subset. A fleet that knows its size and
   * this client's index gets exactly equal load from {@link #subset(int, Fleet, Strategy)}.
   *
   * @param size servers per subset, {@code > 0}; a pool this small or smaller is used whole
   * @param clientId this client's id, the same across its restarts
   * @param delegate picks within the subset
   * @return a new strategy
   * @throws NullPointerException if {@code clientId} or {@code delegate} is null
   * @throws IllegalArgumentException if {@code size} is not positive or {@code clientId} is blank
   */
  public static Strategy subset(int size, String clientId, Strategy delegate) {
    Checks.argument(size > 0, "size", size, "> 0");
    Checks.notBlank(clientId, "clientId");
    return new SubsetStrategy(size, clientId, Checks.notNull(delegate, "delegate"));
  }

  /**
   * Deterministic aperture over a fleet of clients that knows its size and this client's index
   * ({@link io.lbkit.Fleet}: fixed, or learnt from a registry such as {@code ZooKeeperFleet}):
   * servers sorted by id on a ring, each client a window of it at least {@code size} servers
   * wide (and at least one client's step, 1 / count of the ring), every point of the ring covered
   * by the same number of clients, so that <em>every server gets exactly the same load</em>,
   * whatever the numbers of servers and clients. {@code delegate} picks within the window, a
   * server at its edge weighted by the part of it inside (through the ramp, so weighted and
   * load-aware delegates honour it; key-affinity ones keep only the subset). When the fleet's
   * position changes (a client joined or left), selectors over this strategy rebuild; while it
   * is unknown the whole pool is used.
   *
   * @param size servers per client, at least; {@code > 0}; a pool this small or smaller is used
   *     whole
   * @param fleet this client's fleet, read on every rebuild
   * @param delegate picks within the window
   * @return a new strategy
   * @throws NullPointerException if {@code fleet} or {@code delegate} is null
   * @throws IllegalArgumentException if {@code size} is not positive
   */
  public static Strategy subset(int size, Fleet fleet, Strategy delegate) {
    Checks.argument(size > 0, "size", size, "> 0");
    Checks.notNull(fleet, "fleet");
    return new ApertureStrategy(size, fleet, Checks.notNull(delegate, "delegate"));
  }

  /**
   * Prequal (Wydrowski et al., NSDI 2024, deployed on YouTube): servers are probed in the
   * background for their requests in flight (RIF) and the latency they expect at that load, and
   * each pick takes, from a small pool of recent answers, the lowest-latency server among those
   * whose RIF is at or below the pool's {@link PrequalConfig#hotQuantile() quantile} ("cold"),
   * or the lowest RIF when none is cold. Each use of an answer adds one to its RIF and answers
   * are reused at most {@link PrequalConfig#maxUses()} times; until enough answers are in, peak
   * EWMA picks. Probes run on the config's scheduler, a rate tied to the pick rate; picks take no
   * lock and allocate nothing. Servers answer probes with {@code lb-server}'s probe handler, and
   * {@code lb-http}'s {@code HttpProber} asks them.
   *
   * @param config the prober and the pool's settings
   * @return a new strategy; each selector over it keeps its own probe pool
   * @throws NullPointerException if {@code config} is null
   */
  public static Strategy prequal(PrequalConfig config) {
    return new PrequalStrategy(Checks.notNull(config, "config"));
  }

  /**
   * Weighted round robin from server-reported load (gRPC's {@code weighted_round_robin}, gRFC A58;
   * Envoy's client-side weighted round robin): each server's weight is its qps / (utilization +
   * eps / qps), from the {@link io.lbkit.LoadReport}s its responses carry ({@link
   * io.lbkit.Attempt#report}; lb-http and lb-okhttp read the {@code endpoint-load-metrics}
   * header). A server without a usable report (none yet, older than 3 min, or in its first 10 s
   * of reporting) gets the mean weight; weights are clamped to [0.1, 10] x the mean and computed
   * again every second, on the write path, by the first report after the period. Configured
   * weights are not used; without reports this is round robin. Picks are O(1) and allocate
   * nothing. One instance per selector.
   *
   * @return a new strategy with {@link OrcaWrrConfig#defaults()}
   */
  public static Strategy orcaWeightedRoundRobin() {
    return orcaWeightedRoundRobin(OrcaWrrConfig.defaults());
  }

  /**
   * {@link #orcaWeightedRoundRobin()} with explicit blackout, expiry, update period and error
   * penalty.
   *
   * @param config the settings
   * @return a new strategy
   * @throws NullPointerException if {@code config} is null
   */
  public static Strategy orcaWeightedRoundRobin(OrcaWrrConfig config) {
    return new OrcaWeightedRoundRobinStrategy(Checks.notNull(config, "config"));
  }
}
