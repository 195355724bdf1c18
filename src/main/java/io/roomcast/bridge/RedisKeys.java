package io.roomcast.bridge;

/**
 * The Redis layout of protocol.md ("Redis layout"), under a configurable prefix (default {@code chat}):
 *
 * <pre>
 * channels  {p}:room:{room}:msg       message events, published by publish.lua
 *           {p}:room:{room}:join      presence and typing events
 *           {p}:newroom               a new room's name
 *           nodes PSUBSCRIBE {p}:room:* and SUBSCRIBE {p}:newroom
 * keys      {p}:rooms                 set of room names
 *           {p}:room:{room}:stream    stream of the room's messages (fields u = user, t = text); ids are message ids
 *           {p}:room:{room}:members   hash user -> number of nodes where the user has a connection in the room
 *           {p}:room:{room}:key:{key} idempotency key -> message id, expiring after the retention window
 *           {p}:node:{node}:presence  hash "room user" -> 1: this node's share of the members hashes
 *           {p}:node:{node}:alive     heartbeat, expiring after the presence TTL
 *           {p}:nodes                 set of node ids with presence entries
 *           {p}:epoch                 random value set once; a new value means Redis lost its data
 *           {p}:connections           hash user -> open connections on all nodes (the per-user limit)
 *           {p}:node:{node}:conns     hash user -> this node's share of those
 * </pre>
 *
 * Room and user names contain no ':' or ' ', so channel names and presence fields split unambiguously.
 */
final class RedisKeys {
  private final String prefix;
  private final String roomPrefix;
  private final String node;

  RedisKeys(String prefix, String node) {
    this.prefix = prefix;
    this.roomPrefix = prefix + ":room:";
    this.node = node;
  }

  String roomPattern() {
    return roomPrefix + "*";
  }

  String newRoomChannel() {
    return prefix + ":newroom";
  }

  String messageChannel(String room) {
    return roomPrefix + room + ":msg";
  }

  String joinChannel(String room) {
    return roomPrefix + room + ":join";
  }

  String rooms() {
    return prefix + ":rooms";
  }

  String stream(String room) {
    return roomPrefix + room + ":stream";
  }

  String members(String room) {
    return roomPrefix + room + ":members";
  }

  String idempotency(String room, String key) {
    return roomPrefix + room + ":key:" + key;
  }

  String nodePresence() {
    return prefix + ":node:" + node + ":presence";
  }

  String nodeAlive() {
    return prefix + ":node:" + node + ":alive";
  }

  String epoch() {
    return prefix + ":epoch";
  }

  String connections() {
    return prefix + ":connections";
  }

  String nodeConnections() {
    return prefix + ":node:" + node + ":conns";
  }

  String nodes() {
    return prefix + ":nodes";
  }

  static String presenceField(String room, String user) {
    return room + " " + user;
  }

  /** The room of a channel under {@code {p}:room:}, or null for any other channel. */
  String roomOf(String channel) {
    int end = channel.lastIndexOf(':');
    if (!channel.startsWith(roomPrefix) || end <= roomPrefix.length()) {
      return null;
    }
    return channel.substring(roomPrefix.length(), end);
  }
}
