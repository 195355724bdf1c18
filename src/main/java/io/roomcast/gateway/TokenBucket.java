package io.roomcast.gateway;

/** A token bucket: {@code capacity} tokens, refilled at {@code perSecond}. Not thread-safe (one per session). */
final class TokenBucket {
  private double capacity;
  private double perNano;
  private double tokens;
  private long last;

  TokenBucket(int capacity, int perSecond, long nowNanos) {
    this.capacity = capacity;
    this.perNano = perSecond / 1e9;
    this.tokens = capacity;
    this.last = nowNanos;
  }

  /** New limits (a live config change): the tokens held are kept, up to the new capacity. */
  void reconfigure(int capacity, int perSecond) {
    this.capacity = capacity;
    this.perNano = perSecond / 1e9;
    this.tokens = Math.min(tokens, capacity);
  }

  boolean tryTake(long nowNanos) {
    tokens = Math.min(capacity, tokens + (nowNanos - last) * perNano);
    last = nowNanos;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
