package io.roomcast.bridge.redis;

import io.vertx.core.buffer.Buffer;

/** What the broker hears from its {@link Subscriber}, on the bridge's event loop. */
interface PubSubListener {
  /** Every subscription is confirmed; {@code again} unless this is the first time. */
  void onReady(boolean again);

  /** The connection was lost (events may have been missed from now on) and is being re-established. */
  void onLost(String reason);

  /** A payload on one of a room's channels. */
  void onRoomEvent(String channel, Buffer payload);

  /** A name on the new-room or deleted-room channel. */
  void onRoomListChange(String channel, String room);
}
