package io.roomcast.bridge.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  @DisplayName("delays double from the minimum up to the maximum, each in the upper half of its step")
  void doublesUpToTheCap() {
    Backoff lowest = new Backoff(100, 5000, bound -> 0);
    Backoff highest = new Backoff(100, 5000, bound -> bound);
    long[] steps = {100, 200, 400, 800, 1600, 3200, 5000, 5000};
    for (int attempt = 0; attempt < steps.length; attempt++) {
      assertThat(lowest.delayMs(attempt)).as("attempt %d, lowest", attempt).isEqualTo(steps[attempt] / 2);
      assertThat(highest.delayMs(attempt)).as("attempt %d, highest", attempt).isEqualTo(steps[attempt]);
    }
    assertThat(highest.delayMs(1000)).as("capped, no overflow").isEqualTo(5000);
  }

  @Test
  @DisplayName("delays are jittered: nodes retrying together spread out")
  void jittered() {
    Backoff backoff = new Backoff(100, 5000, bound -> ThreadLocalRandom.current().nextLong(bound + 1));
    Set<Long> delays = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      long d = backoff.delayMs(6);
      assertThat(d).isBetween(2500L, 5000L);
      delays.add(d);
    }
    assertThat(delays).hasSizeGreaterThan(10);
  }
}
