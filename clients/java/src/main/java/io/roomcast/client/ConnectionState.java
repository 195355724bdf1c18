package io.roomcast.client;

/** Where a {@link RoomcastClient}'s connection stands; listeners hear every change. */
public enum ConnectionState {
  /** The first connection is being opened. */
  CONNECTING,
  /** Welcomed by a node: requests go out. */
  CONNECTED,
  /** The connection was lost; a new one is planned or being opened (rooms are rejoined and sends retried then). */
  RECONNECTING,
  /** Closed on purpose by {@link RoomcastClient#pause()}; {@link RoomcastClient#resume()} reconnects without loss. */
  PAUSED,
  /** Not connected and not trying: never connected, closed by {@link RoomcastClient#close()}, or stopped by a close
   *  code that reconnecting would not fix (1009, 1007, 1002) or a refused upgrade (400, 401 without a token
   *  provider, 403). */
  OFFLINE
}
