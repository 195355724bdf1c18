package io.roomcast.bridge;

import io.roomcast.bus.RoomEvent;

/** Where a broker hands the events the local gateways must deliver. */
public interface RoomEvents {
  /** An event for the local members of {@code room}. */
  void toRoom(String room, RoomEvent event);

  /** An event for every local connection (a room created or deleted). */
  void toAll(RoomEvent event);
}
