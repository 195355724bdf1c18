package io.roomcast.ops;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets by key (a client address): each key may take {@code burst} tokens at once, refilled at
 * {@code perSecond}. Thread-safe: the gateway instances of a node share one. Buckets that have refilled completely
 * carry no information and are dropped by {@link #sweep}, so the map holds only recently active keys.
 */
public final class KeyedRateLimiter {
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  private static final class Bucket {
    double tokens;
    long last;
    int burst;
  }

  /** Takes a token for {@code key}; false when its bucket is empty. */
  public boolean tryTake(String key, int perSecond, int burst, long nowNanos) {
    boolean[] taken = new boolean[1];
    buckets.compute(key, (k, b) -> {
      if (b == null) {
        b = new Bucket();
        b.tokens = burst;
        b.last = nowNanos;
      }
      b.burst = burst;
      b.tokens = Math.min(burst, b.tokens + (nowNanos - b.last) * perSecond / 1e9);
      b.last = nowNanos;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        taken[0] = true;
      }
      return b;
    });
    return taken[0];
  }

  /** Drops the buckets that would be full by now at {@code perSecond}. */
  public void sweep(int perSecond, long nowNanos) {
    for (String key : buckets.keySet()) {
      // atomic with tryTake's compute: a bucket in use is never dropped half-spent
      buckets.computeIfPresent(key, (k, b) -> b.tokens + (nowNanos - b.last) * perSecond / 1e9 >= b.burst ? null : b);
    }
  }

  /** How many keys hold a bucket now. */
  public int size() {
    return buckets.size();
  }
}
