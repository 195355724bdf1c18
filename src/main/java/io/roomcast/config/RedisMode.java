package io.roomcast.config;

import java.util.Locale;

/** How nodes share rooms through Redis ({@code CHAT_REDIS_MODE}). */
public enum RedisMode {
  /** One standalone Redis; every node PSUBSCRIBEs every room's channels (the default: simplest, fine for a few nodes). */
  PATTERN,
  /** One standalone Redis; a node SUBSCRIBEs to the channels of the rooms it has members in, and hears only those. */
  ROOMS,
  /** A Redis Cluster; rooms are spread over its masters by hash tag, and nodes SSUBSCRIBE per room (sharded pub/sub). */
  CLUSTER;

  /** The mode named {@code label} (any case), or null. */
  public static RedisMode parse(String label) {
    for (RedisMode m : values()) {
      if (m.label().equals(label.trim().toLowerCase(Locale.ROOT))) {
        return m;
      }
    }
    return null;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether a node subscribes per room (and so receives only the traffic of the rooms it serves). */
  public boolean perRoom() {
    return this != PATTERN;
  }
}
