package io.roomcast.bridge.redis;

import java.util.function.LongUnaryOperator;

/**
 * Reconnect delays: exponential from {@code minMs}, doubling per attempt up to {@code maxMs}, with jitter (each delay
 * drawn from the upper half of its step), so nodes that lost Redis together do not reconnect in lockstep.
 */
final class Backoff {
  private final long minMs;
  private final long maxMs;
  /** Draws a number from 0 to the bound, inclusive. */
  private final LongUnaryOperator random;

  Backoff(long minMs, long maxMs, LongUnaryOperator random) {
    this.minMs = minMs;
    this.maxMs = Math.max(minMs, maxMs);
    this.random = random;
  }

  /** The delay before attempt {@code attempt} (0 for the first retry). */
  long delayMs(int attempt) {
    long step = Math.min(maxMs, minMs << Math.min(attempt, 30));
    return step / 2 + random.applyAsLong(step / 2);
  }
}
