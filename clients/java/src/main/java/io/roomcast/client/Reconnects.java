package io.roomcast.client;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What the client does after each close code (the server's {@code CloseCode} table, which CloseCodeTest holds this
 * to): reconnect at once, stop, wait out a rate-limit abuse, or back off with full jitter. A close with 4001 (token
 * expired) asks the token provider first ({@link RoomcastClient}).
 */
final class Reconnects {
  /** Close codes after which the client reconnects at once: a restart, a drain, a slow-consumer close. */
  private static final Set<Integer> AT_ONCE = new HashSet<>(java.util.Arrays.asList(1001, 1012, 4008));
  /** Close codes reconnecting would not fix: the client sent what the server cannot take. */
  private static final Map<Integer, String> STOP = new HashMap<>();

  static {
    STOP.put(1009, "too_large");
    STOP.put(1007, "invalid_data");
    STOP.put(1002, "protocol_error");
  }

  private final Duration minBackoff;
  private final Duration maxBackoff;
  private final Duration rateLimitedBackoff;

  Reconnects(Duration minBackoff, Duration maxBackoff, Duration rateLimitedBackoff) {
    this.minBackoff = minBackoff;
    this.maxBackoff = maxBackoff;
    this.rateLimitedBackoff = rateLimitedBackoff;
  }

  /** The error the client stops with after a close with {@code code}, or null when it reconnects. */
  static String stopError(int code) {
    return STOP.get(code);
  }

  /** How long to wait before reconnecting after a close with {@code code}, the {@code attempt}-th in a row. */
  long delay(int code, int attempt) {
    if (AT_ONCE.contains(code)) {
      return jitter(200);   // a restart or a drain: go at once, with a little jitter against reconnect storms
    } else if (code == 4029) {
      long base = rateLimitedBackoff.toMillis();
      return base + jitter(base);   // the rate limit was abused: back off
    }
    return backoff(attempt);
  }

  /** Exponential backoff from {@code minBackoff} up to {@code maxBackoff}, with full jitter. */
  long backoff(int attempt) {
    long cap = Math.min(maxBackoff.toMillis(), minBackoff.toMillis() << Math.min(attempt, 20));
    return jitter(cap);
  }

  static long jitter(long upTo) {
    return upTo <= 0 ? 0 : ThreadLocalRandom.current().nextLong(upTo);
  }
}
