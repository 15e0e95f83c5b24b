package io.lbkit.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.lbkit.Fleet;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The aperture's arithmetic, exact: every server gets the same load, whatever B, C and size. */
class ApertureTest {

  /** Server i's part of the fleet's calls: sum over clients of share_i / (sum of the shares). */
  private static double[] load(int servers, int size, int count) {
    double[] load = new double[servers];
    for (int c = 0; c < count; c++) {
      Aperture w = Aperture.of(servers, size, new Fleet.Position(c, count));
      double total = 0;
      for (double s : w.shares) {
        total += s;
      }
      for (int k = 0; k < w.servers.length; k++) {
        load[w.servers[k]] += w.shares[k] / total;
      }
    }
    return load;
  }

  @Test
  void everyServerGetsExactlyCountOverBOfTheCallsForEveryCombination() {
    int combinations = 0;
    for (int b = 1; b <= 17; b++) {
      for (int count = 1; count <= 13; count++) {
        for (int size = 1; size <= b + 2; size++) {
          double[] load = load(b, size, count);
          for (int i = 0; i < b; i++) {
            assertThat(load[i]).as("B=%d count=%d size=%d server %d", b, count, size, i)
                .isCloseTo((double) count / b, within(1e-9));
          }
          combinations++;
        }
      }
    }
    assertThat(combinations).isEqualTo(13 * (17 * 18 / 2 + 2 * 17));
  }

  @Test
  void largeFleetsAndPoolsBalanceExactlyToo() {
    int[][] cases = {{1000, 7, 3}, {7, 1000, 2}, {997, 991, 20}, {250, 40, 25}, {3, 100, 1}};
    for (int[] c : cases) {
      double[] load = load(c[0], c[2], c[1]);
      for (double l : load) {
        assertThat(l).as("B=%d count=%d size=%d", c[0], c[1], c[2])
            .isCloseTo((double) c[1] / c[0], within(1e-9));
      }
    }
  }

  @Test
  void aWindowHoldsAtLeastSizeAndAtMostCeilWidthTimesBPlusOneServers() {
    for (int b = 1; b <= 17; b++) {
      for (int count = 1; count <= 13; count++) {
        for (int size = 1; size <= b + 2; size++) {
          double width = (double) Aperture.units(b, size, count) / count;
          for (int c = 0; c < count; c++) {
            Aperture w = Aperture.of(b, size, new Fleet.Position(c, count));
            assertThat(w.servers.length).as("B=%d count=%d size=%d client %d", b, count, size, c)
                .isBetween(Math.min(size, b), (int) Math.ceil(width * b - 1e-9) + 1)
                .isLessThanOrEqualTo(b);
            for (double s : w.shares) {
              assertThat(s).isGreaterThan(0).isLessThanOrEqualTo(1);
            }
          }
        }
      }
    }
  }

  @Test
  void widthIsTheSizeRoundedUpToWholeClientStepsAndCappedAtTheRing() {
    // 10 servers, 4 clients, size 3: 3/10 rounded up to quarters is 2/4, five servers' worth
    assertThat(Aperture.units(10, 3, 4)).isEqualTo(2);
    Aperture w = Aperture.of(10, 3, new Fleet.Position(1, 4)); // from 2.5 to 7.5 servers
    assertThat(w.servers).containsExactly(2, 3, 4, 5, 6, 7);
    assertThat(w.shares).containsExactly(0.5, 1.0, 1.0, 1.0, 1.0, 0.5);
    // more clients than servers: one client step (1/12) is less than a server (1/3)
    assertThat(Aperture.units(3, 1, 12)).isEqualTo(4);
    assertThat(Aperture.of(3, 1, new Fleet.Position(5, 12)).shares).containsExactly(0.75, 0.25);
    // size at least the pool: the whole pool, wholly
    assertThat(Aperture.of(5, 5, new Fleet.Position(3, 4)).shares)
        .containsExactly(1.0, 1.0, 1.0, 1.0, 1.0);
  }

  @Test
  void aWindowThatWrapsBackIntoItsFirstServerCountsBothPieces() {
    // 3 servers, 5 clients, size 2: 4/5 of the ring (2.4 servers) from 1.8 servers, so the
    // window takes the last 0.2 of server 1, servers 2 and 0, and the first 0.2 of server 1
    assertThat(Aperture.units(3, 2, 5)).isEqualTo(4);
    Aperture w = Aperture.of(3, 2, new Fleet.Position(3, 5));
    assertThat(w.servers).containsExactly(1, 2, 0);
    assertThat(w.shares).containsExactly(0.4, 1.0, 1.0);
    // no wrap: 2 servers, 5 clients, size 1: 3/5 of the ring (1.2 servers) from 1.6
    Aperture v = Aperture.of(2, 1, new Fleet.Position(4, 5));
    assertThat(v.servers).containsExactly(1, 0);
    assertThat(v.shares).containsExactly(0.4, 0.8);
  }

  @Test
  void everyClientComputesTheSameWindowWhateverOrderItsPoolCameIn() {
    List<Server> servers = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      servers.add(Server.of("10.0.0." + i, 8080));
    }
    List<Server> shuffled = new ArrayList<>(servers);
    Collections.shuffle(shuffled, new Random(7));
    for (int c = 0; c < 5; c++) {
      Fleet.Position p = new Fleet.Position(c, 5);
      Map<String, Double> a = ApertureStrategy.shares(ServerPool.of(servers).snapshot(), 4, p);
      Map<String, Double> b = ApertureStrategy.shares(ServerPool.of(shuffled).snapshot(), 4, p);
      assertThat(b).isEqualTo(a);
    }
  }

  @Test
  void aFifthClientMovesEveryWindowButTheFirstsStart() {
    ServerPool pool = ServerPool.of(HashFixtures.servers(10));
    int moved = 0;
    for (int c = 0; c < 4; c++) {
      Map<String, Double> four = ApertureStrategy.shares(pool.snapshot(), 3, new Fleet.Position(c, 4));
      Map<String, Double> five = ApertureStrategy.shares(pool.snapshot(), 3, new Fleet.Position(c, 5));
      moved += four.equals(five) ? 0 : 1;
    }
    assertThat(moved).isEqualTo(4); // even client 0: its width went from 2/4 to 2/5
    double[] load = load(10, 3, 5);
    for (double l : load) {
      assertThat(l).isCloseTo(0.5, within(1e-9));
    }
  }

  @Test
  void anUnknownPositionMeansTheWholePool() {
    assertThat(ApertureStrategy.shares(ServerPool.of(HashFixtures.servers(4)).snapshot(), 1, null))
        .isNull();
  }
}
