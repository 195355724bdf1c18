package io.roomcast.bridge.memory;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The room-creation quota of the memory broker: each subject (a user or a client address) may create {@code max}
 * rooms per window; the window starts with the subject's first creation. Not thread-safe (the bridge's event loop).
 */
final class CreationQuota {
  private final int max;
  private final long windowMs;
  private final Map<String, long[]> used = new HashMap<>();

  CreationQuota(int max, int windowSeconds) {
    this.max = max;
    this.windowMs = windowSeconds * 1000L;
  }

  /** Counts a creation by {@code subject} (null: not limited); false when its quota is used up. */
  boolean take(String subject, long nowMs) {
    if (subject == null) {
      return true;
    }
    long[] window = used.get(subject);
    if (window == null || nowMs >= window[0]) {
      window = new long[] {nowMs + windowMs, 0};
      used.put(subject, window);
    }
    if (window[1] >= max) {
      return false;
    }
    window[1]++;
    return true;
  }

  /** Drops the windows that ended before {@code nowMs}. */
  void forgetBefore(long nowMs) {
    for (Iterator<long[]> it = used.values().iterator(); it.hasNext(); ) {
      if (it.next()[0] <= nowMs) {
        it.remove();
      }
    }
  }
}
