package io.roomcast.client;

import java.util.List;

/**
 * What a {@link RoomcastClient} tells the app. Every method has an empty default: override what you need. Calls come
 * one at a time, in the order of the events, on the executor given to {@link RoomcastClient.Builder#callbackExecutor}.
 */
public interface RoomcastListener {
  /** A message in a joined room (the client's own included): each once, in the room's order, across reconnects. */
  default void onMessage(Message message) {}

  default void onPresence(Presence presence) {}

  /** Someone else in a joined room is typing. */
  default void onTyping(String room, String user) {}

  /** A room was created ({@code deleted} false) or deleted for being idle ({@code deleted} true). */
  default void onRoom(String room, boolean deleted) {}

  default void onStateChange(ConnectionState state) {}

  /**
   * Something went wrong that no request's future reports: a rejoin refused after a reconnect, an error frame without
   * a request, a stop (close code 1009, 1007, 1002), a token provider that failed.
   */
  default void onError(RoomcastException error) {}

  /**
   * A room was rejoined after a reconnect, from the last message seen (or the position its join gave, before one was
   * seen). {@code recovered} false means messages sent meanwhile may be missing (the server no longer holds all of
   * them: trimmed, too old, or lost): fetch them with {@code history} if they matter.
   */
  default void onResumed(String room, boolean recovered, List<String> members) {}

  /** A reconnect is planned after close code {@code code} (1006: the connection failed), in {@code delayMillis}. */
  default void onReconnect(int code, long delayMillis) {}
}
