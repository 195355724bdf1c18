package io.roomcast.bridge;

import io.vertx.core.Future;
import java.util.List;

/** Who is in a room, on every node. Part of {@link Broker}; the presence events follow {@link Rooms#join}. */
public interface Presence {
  /** The users in {@code room} on every node; empty for a room that does not exist. */
  Future<List<String>> members(String room);
}
