package io.roomcast.ops;

import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link TokenBucket}s by key (a client address): each key may take {@code burst} tokens at once, refilled at
 * {@code perSecond}. Thread-safe: the gateway instances of a node share one (a key's bucket is used inside the map's
 * atomic update). Buckets that have refilled completely carry no information and are dropped by {@link #sweep}, so
 * the map holds only recently active keys.
 */
public final class KeyedRateLimiter {
  private final ConcurrentHashMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();

  /** Takes a token for {@code key}; false when its bucket is empty. */
  public boolean tryTake(String key, int perSecond, int burst, long nowNanos) {
    boolean[] taken = new boolean[1];
    buckets.compute(key, (k, b) -> {
      if (b == null) {
        b = new TokenBucket(burst, perSecond, nowNanos);
      } else {
        b.reconfigure(burst, perSecond);
      }
      taken[0] = b.tryTake(nowNanos);
      return b;
    });
    return taken[0];
  }

  /** Drops the buckets that would be full by now. */
  public void sweep(long nowNanos) {
    for (String key : buckets.keySet()) {
      // atomic with tryTake's compute: a bucket in use is never dropped half-spent
      buckets.computeIfPresent(key, (k, b) -> b.fullAt(nowNanos) ? null : b);
    }
  }

  /** How many keys hold a bucket now. */
  public int size() {
    return buckets.size();
  }
}
