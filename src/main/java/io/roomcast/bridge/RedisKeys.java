package io.roomcast.bridge;

/**
 * The Redis layout of protocol.md ("Redis layout"), under a configurable prefix (default {@code chat}):
 *
 * <pre>
 * channels  {p}:room:{room}:msg       message events, published by publish.lua
 *           {p}:room:{room}:join      presence and typing events
 *           {p}:newroom               a new room's name
 *           {p}:roomdeleted           the name of a room deleted for being idle
 *           nodes PSUBSCRIBE {p}:room:* and SUBSCRIBE {p}:newroom and {p}:roomdeleted
 * keys      {p}:rooms                 set of room names
 *           {p}:rooms:activity        sorted set room -> when it was last active (epoch ms), for the idle sweep
 *           {p}:quota:{subject}       rooms a user or client address created in the current quota window
 *           {p}:room:{room}:stream    stream of the room's messages (fields u = user, t = text); ids are message ids
 *           {p}:room:{room}:members   hash user -> number of nodes where the user has a connection in the room
 *           {p}:room:{room}:key:{user} {key}  a user's idempotency key -> message id, expiring after the window
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

  String deletedRoomChannel() {
    return prefix + ":roomdeleted";
  }

  String rooms() {
    return prefix + ":rooms";
  }

  String roomActivity() {
    return prefix + ":rooms:activity";
  }

  String quota(String subject) {
    return prefix + ":quota:" + subject;
  }

  String stream(String room) {
    return roomPrefix + room + ":stream";
  }

  String members(String room) {
    return roomPrefix + room + ":members";
  }

  /** A user's idempotency key in a room: user names have no space, so the user and the key split unambiguously. */
  String idempotency(String room, String user, String key) {
    return roomPrefix + room + ":key:" + user + " " + key;
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
