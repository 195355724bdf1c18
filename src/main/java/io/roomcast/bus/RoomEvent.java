package io.roomcast.bus;

import io.vertx.core.buffer.Buffer;

/**
 * An event for the members of a room (or, on {@link Addresses#ROOMS}, for every client), already encoded: the gateway
 * writes {@code frame} as it is to each recipient. {@code exceptUser} names a user whose connections skip it (the
 * typist of a typing event, the subject of a presence event), or is null. Treat {@code frame} as read-only: every
 * consumer holds the same buffer.
 */
public record RoomEvent(Kind kind, Buffer frame, String exceptUser) implements BusMessage {

  /** What the frame is; {@link #TYPING} is ephemeral and may be dropped for a slow client. */
  public enum Kind { MESSAGE, PRESENCE, TYPING, ROOM }
}
