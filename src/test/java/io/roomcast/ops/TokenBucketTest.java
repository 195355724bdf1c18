package io.roomcast.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  @DisplayName("a full bucket allows a burst, then refills at its rate and never above capacity")
  void burstThenRate() {
    TokenBucket b = new TokenBucket(3, 2, 0);
    assertThat(b.tryTake(0)).isTrue();
    assertThat(b.tryTake(0)).isTrue();
    assertThat(b.tryTake(0)).isTrue();
    assertThat(b.tryTake(0)).isFalse();
    assertThat(b.tryTake(SECOND / 2)).isTrue();   // one token after half a second at 2/s
    assertThat(b.tryTake(SECOND / 2)).isFalse();
    long later = 100 * SECOND;                      // a long pause refills only up to capacity
    assertThat(b.tryTake(later)).isTrue();
    assertThat(b.tryTake(later)).isTrue();
    assertThat(b.tryTake(later)).isTrue();
    assertThat(b.tryTake(later)).isFalse();
  }
}
