package io.lbkit.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.RandomSource;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class StripesTest {

  @Test
  void oneThreadWalksTheRotationExactlyFromTheSeededStart() {
    Stripes stripes = new Stripes(RandomSource.seeded(1), 7);
    int first = stripes.next(7);
    for (int k = 1; k < 70; k++) {
      assertThat(stripes.next(7)).isEqualTo((first + k) % 7);
    }
    // The foundation's round robin started at nextInt(MAX_VALUE) mod n of the same source.
    assertThat(first).isEqualTo(RandomSource.seeded(1).nextInt(Integer.MAX_VALUE) % 7);
  }

  @Test
  void aShorterSequenceAfterARebuildContinuesModuloItsLength() {
    Stripes stripes = new Stripes(RandomSource.seeded(2), 10);
    int p = stripes.next(10);
    while (p != 8) {
      p = stripes.next(10);
    }
    assertThat(stripes.next(4)).isEqualTo(9 % 4); // stored 9, reduced into the new length
    assertThat(stripes.next(4)).isEqualTo(2);
  }

  @Test
  void threadsRunningFreelyFromOneCursorStayExactToAFewPicks() throws Exception {
    Stripes stripes = new Stripes(RandomSource.seeded(3), 10);
    long[][] counts = new long[2][10];
    CountDownLatch start = new CountDownLatch(1);
    Thread[] threads = new Thread[2];
    for (int t = 0; t < 2; t++) {
      int id = t;
      Runnable body = () -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        for (int k = 0; k < 100_000; k++) {
          counts[id][stripes.next(10)]++;
        }
      };
      Thread thread = new Thread(body);
      // Never started: wanted is an id on the same cursor but another home entry (ids equal mod
      // 4K share their entry and cannot separate, as documented).
      long homes = 4L * Stripes.STRIPES;
      while (t == 1 && (Stripes.stripeOf(thread.getId()) != Stripes.stripeOf(threads[0].getId())
          || thread.getId() % homes == threads[0].getId() % homes)) {
        thread = new Thread(body);
      }
      threads[t] = thread;
      thread.start();
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join(60_000);
    }
    for (int j = 0; j < 10; j++) {
      // Two cursors, each walked without gaps (one pick off per cursor at most), plus at most a
      // repeat or two from a plain write racing a takeover while the threads separate.
      assertThat(counts[0][j] + counts[1][j]).isBetween(20_000L - 5, 20_000L + 5);
    }
  }

  @Test
  void aSecondThreadSwitchesToStripesThatContinueTheRotation() throws Exception {
    Stripes stripes = new Stripes(RandomSource.seeded(6), 10);
    int[] last = new int[1];
    int[] next = new int[1];
    Thread first = new Thread(() -> {
      for (int k = 0; k < 13; k++) {
        last[0] = stripes.next(10);
      }
    });
    first.start();
    first.join(60_000);
    assertThat(stripes.isStriped()).isFalse(); // one thread: the shared cursor only
    Thread second = new Thread(() -> next[0] = stripes.next(10));
    second.start();
    second.join(60_000);
    assertThat(stripes.isStriped()).isTrue();
    assertThat(next[0]).isEqualTo((last[0] + 1) % 10);
  }

  @Test
  void switchingToStripesContinuesTheRotationWhereTheSharedCursorStopped() {
    Stripes stripes = new Stripes(RandomSource.seeded(7), 7);
    int last = 0;
    for (int k = 0; k < 10; k++) {
      last = stripes.next(7);
    }
    assertThat(stripes.isStriped()).isFalse();
    stripes.stripe(); // what the first failed CAS does
    assertThat(stripes.isStriped()).isTrue();
    for (int k = 1; k <= 21; k++) {
      assertThat(stripes.next(7)).isEqualTo((last + k) % 7);
    }
    assertThat(stripes.stripe().isStriped()).isTrue(); // idempotent
  }

  /** Two threads whose ids map to the same first cursor but to different home entries. */
  private static Thread[] collidingPair(Runnable a, Runnable b) {
    Thread first = new Thread(a);
    Thread second = new Thread(b);
    while (Stripes.stripeOf(second.getId()) != Stripes.stripeOf(first.getId())
        || second.getId() % (4 * Stripes.STRIPES) == first.getId() % (4 * Stripes.STRIPES)) {
      second = new Thread(b); // never started
    }
    return new Thread[] {first, second};
  }

  @Test
  void liveThreadsTakingTurnsOnOneCursorMoveApartAndStayExact() throws Exception {
    // Striped from the start, so that the first thread also claims the striped cursor first.
    Stripes stripes = new Stripes(RandomSource.seeded(4), 10).stripe();
    long[] counts = new long[10];
    java.util.concurrent.Semaphore[] turn = {
        new java.util.concurrent.Semaphore(1), new java.util.concurrent.Semaphore(0)};
    Runnable[] bodies = new Runnable[2];
    for (int t = 0; t < 2; t++) {
      int id = t;
      bodies[t] = () -> {
        for (int k = 0; k < 1000; k++) {
          turn[id].acquireUninterruptibly();
          counts[stripes.next(10)]++; // strictly alternating: both threads live, never at once
          turn[1 - id].release();
        }
      };
    }
    Thread[] pair = collidingPair(bodies[0], bodies[1]);
    for (Thread thread : pair) {
      thread.start();
    }
    for (Thread thread : pair) {
      thread.join(60_000);
    }
    // The second thread took the cursor over once, lost it back, and moved to the next one.
    assertThat(stripes.homeOf(pair[0].getId())).isEqualTo(Stripes.stripeOf(pair[0].getId()));
    assertThat(stripes.homeOf(pair[1].getId()))
        .isEqualTo((Stripes.stripeOf(pair[1].getId()) + 1) % Stripes.STRIPES);
    for (long c : counts) {
      assertThat(c).isBetween(200L - 2, 200L + 2); // two gapless walks
    }
  }

  @Test
  void aCursorLeftByAnEndedThreadIsTakenOverAndItsRotationContinues() throws Exception {
    Stripes stripes = new Stripes(RandomSource.seeded(5), 10).stripe();
    int[] last = new int[1];
    int[] next = new int[1];
    Thread[] pair = collidingPair(() -> {
      for (int k = 0; k < 13; k++) {
        last[0] = stripes.next(10);
      }
    }, () -> next[0] = stripes.next(10));
    pair[0].start();
    pair[0].join(60_000);
    pair[1].start();
    pair[1].join(60_000);
    assertThat(next[0]).isEqualTo((last[0] + 1) % 10);
    assertThat(stripes.homeOf(pair[1].getId())).isEqualTo(Stripes.stripeOf(pair[1].getId()));
  }
}
