package io.roomcast.ops;

/**
 * A token bucket, the one rate limiter of the server: {@code capacity} tokens, refilled continuously at
 * {@code perSecond}. Sessions hold one each (their request rate and their strikes); {@link KeyedRateLimiter} holds one
 * per client address; {@link NodeState} one for the node's upgrades. Not thread-safe: its holder guards it.
 */
public final class TokenBucket {
  private double capacity;
  private double perNano;
  private double tokens;
  private long last;

  /** A full bucket. */
  public TokenBucket(int capacity, int perSecond, long nowNanos) {
    this.capacity = capacity;
    this.perNano = perSecond / 1e9;
    this.tokens = capacity;
    this.last = nowNanos;
  }

  /** New limits (a live config change): the tokens held are kept, up to the new capacity. */
  public void reconfigure(int capacity, int perSecond) {
    this.capacity = capacity;
    this.perNano = perSecond / 1e9;
    this.tokens = Math.min(tokens, capacity);
  }

  /** Takes a token; false when the bucket is empty. */
  public boolean tryTake(long nowNanos) {
    tokens = Math.min(capacity, tokens + (nowNanos - last) * perNano);
    last = nowNanos;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  /** Whether the bucket has refilled completely by {@code nowNanos}: it then holds nothing worth keeping. */
  public boolean fullAt(long nowNanos) {
    return tokens + (nowNanos - last) * perNano >= capacity;
  }
}
