package io.roomcast.bridge;


/** What both brokers share about the lifecycle limits of rooms: the expiry sweep's pace and the quota's message. */
public final class RoomExpiry {
  private RoomExpiry() {}

  /** How often to look for idle rooms: a quarter of the expiry time, between 1 s and 1 min. */
  public static long sweepIntervalMs(int expirySeconds) {
    return Math.max(1000, Math.min(60_000, expirySeconds * 250L));
  }

}
