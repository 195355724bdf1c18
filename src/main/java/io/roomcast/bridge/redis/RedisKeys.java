package io.roomcast.bridge.redis;

/**
 * The Redis layout (docs/redis.md, "Channels and keys"), under a configurable prefix (default {@code chat}):
 *
 * <pre>
 * channels  {p}:room:{room}:msg       a room's message events (published by publish.lua)
 *           {p}:room:{room}:join      its presence and typing events
 *           {p}:newroom               a new room's name
 *           {p}:roomdeleted           the name of a room deleted for being idle
 * room keys {p}:room:{room}:stream    stream of the room's messages (fields u = user, t = text); ids are message ids
 *           {p}:room:{room}:created   the room's incarnation (a random number): the room exists
 *           {p}:room:{room}:members   hash user -> number of nodes where the user has a connection in the room
 *           {p}:room:{room}:nodes     hash "node user" -> 1: which node holds which member (each node's share)
 *           {p}:room:{room}:key:{user} {key}  a user's idempotency key -> message id, expiring after the window
 *           {p}:room:{room}:keys      sorted set idempotency key name -> when it expires (epoch ms): the room's keys
 *           {p}:room:{room}:webhooks  stream of the room's events waiting for delivery (w = webhook id, y = type,
 *                                     ts, and m, u, t as the type has them); kept when the room is deleted
 * global    {p}:rooms                 set of room names
 *           {p}:rooms:activity        sorted set room -> when it was last active (epoch ms), for the idle sweep
 *           {p}:quota:{subject}       rooms a user or client address created in the current quota window
 *           {p}:node:{node}:presence  hash "room user" -> 1: the rooms' "node user" entries of this node, as an index
 *           {p}:node:{node}:alive     heartbeat, expiring after the presence TTL
 *           {p}:node:{node}:releasing held by the node releasing a dead node's entries
 *           {p}:nodes                 set of node ids with presence entries
 *           {p}:epoch                 random value set once; a new value means Redis lost its data
 *           {p}:connections           hash user -> open connections on all nodes (the per-user limit)
 *           {p}:node:{node}:conns     hash user -> this node's share of those
 *           {p}:webhooks:pending      set of rooms whose webhook queue may hold events (a hint; swept)
 *           {p}:webhooks:lease        the node that delivers webhooks, expiring unless renewed
 *           {p}:webhooks:dead         stream of events set aside undelivered (r = room, and the queue's fields)
 * </pre>
 *
 * <p>In cluster mode every name of a room carries the room as its hash tag ({@code chat:room:{lobby}:stream}), so a
 * room's keys and channels live in one slot and one script can store and {@code SPUBLISH}; the global keys carry the
 * prefix as theirs ({@code {chat}:rooms}), so the scripts over them run in one slot too. {@code newroom} and
 * {@code roomdeleted} are classic channels, which reach every shard. Standalone Redis keeps the names without braces.
 *
 * <p>Room and user names contain no ':', ' ', '{' or '}', so channel names and presence fields split unambiguously.
 */
final class RedisKeys {
  private final String prefix;
  private final String global;
  private final String roomPrefix;
  private final String node;
  private final boolean tagged;

  RedisKeys(String prefix, String node) {
    this(prefix, node, false);
  }

  /** @param tagged whether names carry hash tags (Redis Cluster) */
  RedisKeys(String prefix, String node, boolean tagged) {
    this.prefix = prefix;
    this.global = tagged ? "{" + prefix + "}" : prefix;
    this.roomPrefix = prefix + ":room:";
    this.node = node;
    this.tagged = tagged;
  }

  private String room(String room) {
    return tagged ? roomPrefix + "{" + room + "}" : roomPrefix + room;
  }

  String roomPattern() {
    return roomPrefix + "*";
  }

  String newRoomChannel() {
    return prefix + ":newroom";
  }

  String deletedRoomChannel() {
    return prefix + ":roomdeleted";
  }

  String messageChannel(String room) {
    return room(room) + ":msg";
  }

  String joinChannel(String room) {
    return room(room) + ":join";
  }

  String stream(String room) {
    return room(room) + ":stream";
  }

  String created(String room) {
    return room(room) + ":created";
  }

  String members(String room) {
    return room(room) + ":members";
  }

  String roomNodes(String room) {
    return room(room) + ":nodes";
  }

  /** A user's idempotency key in a room: user names have no space, so the user and the key split unambiguously. */
  String idempotency(String room, String user, String key) {
    return room(room) + ":key:" + user + " " + key;
  }

  /** The room's live idempotency keys, so that deleting the room deletes them too. */
  String keyIndex(String room) {
    return room(room) + ":keys";
  }

  String webhookQueue(String room) {
    return room(room) + ":webhooks";
  }

  String webhookPending() {
    return global + ":webhooks:pending";
  }

  String webhookLease() {
    return global + ":webhooks:lease";
  }

  String webhookDead() {
    return global + ":webhooks:dead";
  }

  String rooms() {
    return global + ":rooms";
  }

  String roomActivity() {
    return global + ":rooms:activity";
  }

  String quota(String subject) {
    return global + ":quota:" + subject;
  }

  String nodePresence() {
    return nodePresence(node);
  }

  String nodePresence(String node) {
    return global + ":node:" + node + ":presence";
  }

  String nodeAlive() {
    return nodeAlive(node);
  }

  String nodeAlive(String node) {
    return global + ":node:" + node + ":alive";
  }

  String nodeReleasing(String node) {
    return global + ":node:" + node + ":releasing";
  }

  String nodes() {
    return global + ":nodes";
  }

  String epoch() {
    return global + ":epoch";
  }

  String connections() {
    return global + ":connections";
  }

  String nodeConnections() {
    return nodeConnections(node);
  }

  String nodeConnections(String node) {
    return global + ":node:" + node + ":conns";
  }

  /** A node's field in a room's {@link #roomNodes} hash for {@code user}. */
  static String nodeField(String node, String user) {
    return node + " " + user;
  }

  /** A field of a node's {@link #nodePresence} index. */
  static String presenceField(String room, String user) {
    return room + " " + user;
  }

  /** The room of a channel under {@code {p}:room:} ({@code :msg} or {@code :join}), or null for any other channel. */
  String roomOf(String channel) {
    int end = channel.lastIndexOf(':');
    if (!channel.startsWith(roomPrefix) || end <= roomPrefix.length()) {
      return null;
    }
    String room = channel.substring(roomPrefix.length(), end);
    if (tagged) {
      return room.length() > 2 && room.charAt(0) == '{' && room.charAt(room.length() - 1) == '}'
          ? room.substring(1, room.length() - 1) : null;
    }
    return room;
  }
}
