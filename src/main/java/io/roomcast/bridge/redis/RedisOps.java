package io.roomcast.bridge.redis;

import io.roomcast.bridge.Broker;
import io.roomcast.config.WebhookSettings;
import io.roomcast.hooks.Signer;
import io.roomcast.bus.Refusal;
import io.roomcast.bus.Refused;
import io.roomcast.config.RedisSettings;
import io.roomcast.config.RoomSettings;
import io.roomcast.protocol.MessageId;
import io.roomcast.protocol.StoredMessage;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The commands the Redis brokers send, one method per operation, over the pooled command client (standalone or
 * cluster: every call touches one hash slot, a room's or the global one). Scripts' refusals come back as
 * {@link Refused}s; any other failure is Redis being unreachable, slow or failing.
 */
final class RedisOps {
  private static final String TOO_MANY_ROOMS = "ROOMCAST_TOO_MANY_ROOMS";
  private static final String QUOTA = "ROOMCAST_QUOTA";
  private static final String NO_ROOM = "ROOMCAST_NO_ROOM";

  private Redis redis;
  private final RedisKeys keys;
  private final RoomSettings rooms;
  private final RedisSettings redisSettings;
  private final String nodeId;
  /** PUBLISH, or SPUBLISH in cluster mode (a room's channels are shard channels there). */
  private final String publish;
  private final Command publishCommand;

  /** Which events are recorded for delivery as webhooks (none when they are off). */
  private final WebhookSettings webhooks;
  /** Cluster mode: the pending set is in another slot than a room's queue, so it is hinted after the script. */
  private final boolean sharded;

  RedisOps(Redis redis, RedisKeys keys, RoomSettings rooms, RedisSettings redisSettings, String nodeId,
      boolean sharded) {
    this(redis, keys, rooms, redisSettings, nodeId, sharded, null);
  }

  RedisOps(Redis redis, RedisKeys keys, RoomSettings rooms, RedisSettings redisSettings, String nodeId,
      boolean sharded, WebhookSettings webhooks) {
    this.webhooks = webhooks;
    this.sharded = sharded;
    this.redis = redis;
    this.keys = keys;
    this.rooms = rooms;
    this.redisSettings = redisSettings;
    this.nodeId = nodeId;
    this.publish = sharded ? "SPUBLISH" : "PUBLISH";
    this.publishCommand = sharded ? Command.SPUBLISH : Command.PUBLISH;
  }

  Redis redis() {
    return redis;
  }

  /** Sends through {@code next} from now on (a fresh cluster client after an outage). */
  void use(Redis next) {
    this.redis = next;
  }

  /** What a failed command means for the client: the script's refusal, else {@code unavailable}. */
  Refused refusal(Throwable cause) {
    if (cause instanceof Refused b) {
      return b;
    }
    String error = String.valueOf(cause.getMessage());
    if (error.contains(TOO_MANY_ROOMS)) {
      return Refusal.tooManyRooms(rooms.maxRooms()).exception();
    } else if (error.contains(QUOTA)) {
      return Refusal.creationQuota(rooms.roomCreateQuota(), rooms.roomCreateWindowSeconds()).exception();
    } else if (error.contains(NO_ROOM)) {
      return Refusal.noSuchRoom().exception();
    }
    return Refusal.unavailable().exception();
  }

  // ---- webhook events (recorded by the scripts, in the room's slot) ----

  /** A new webhook id when events of {@code type} are recorded, else '' (the scripts then record nothing). */
  private String wid(String type) {
    return webhooks != null && webhooks.wants(type) ? Signer.newId("msg") : "";
  }

  /** The pending set as a script's key: the room's own queue in cluster mode (another slot; hinted after). */
  private String pendingKey(String room) {
    return sharded ? keys.webhookQueue(room) : keys.webhookPending();
  }

  private String hintFlag() {
    return sharded ? "0" : "1";
  }

  /**
   * In cluster mode, hints {@code room} in the pending set after a script that may have recorded an event (ids not
   * empty); a hint lost with a crash is found by the delivering node's sweep.
   */
  private <T> Future<T> hinted(Future<T> done, String room, String... ids) {
    if (!sharded) {
      return done;
    }
    for (String id : ids) {
      if (!id.isEmpty()) {
        return done.compose(r -> redis.send(Request.cmd(Command.SADD).arg(keys.webhookPending()).arg(room))
            .map(x -> r));
      }
    }
    return done;
  }

  // ---- rooms ----

  /**
   * Records a room (global slot; a new one within the room limit and {@code quota}'s creation quota, and announced),
   * then marks it as existing in its own slot. With {@code indexField}, also records that field in this node's
   * presence index. True when the room is new.
   */
  Future<Boolean> create(String room, String quota, String indexField) {
    return Script.CREATE.run(redis,
            List.of(keys.rooms(), keys.roomActivity(), quota == null ? keys.rooms() : keys.quota(quota),
                keys.nodePresence()),
            List.of(room, keys.newRoomChannel(), rooms.maxRooms(), System.currentTimeMillis(),
                quota == null ? "0" : "1", rooms.roomCreateQuota(), rooms.roomCreateWindowSeconds(),
                indexField == null ? "" : indexField))
        .compose(r -> {
          String created = wid("room.created");
          return hinted(Script.MARK.run(redis, List.of(keys.created(room), keys.webhookQueue(room), pendingKey(room)),
              List.of(Broker.newIncarnation(), created, room, hintFlag(), System.currentTimeMillis())), room, created)
              .map(v -> r.toInteger() == 1);
        });
  }

  /**
   * This node's presence of {@code user} in {@code room} (the room is created if needed): the room's members and
   * position now.
   */
  Future<Broker.Membership> join(String room, String user, String quota) {
    return create(room, quota, RedisKeys.presenceField(room, user)).compose(v -> membership(room, user, true));
  }

  /** The members and position of {@code room}, which this node's {@code user} already joined. */
  Future<Broker.Membership> joinAgain(String room, String user) {
    return membership(room, user, false);
  }

  private Future<Broker.Membership> membership(String room, String user, boolean record) {
    String joined = record ? wid("member.joined") : "";
    String created = wid("room.created");
    return hinted(Script.JOIN.run(redis,
            List.of(keys.members(room), keys.roomNodes(room), keys.joinChannel(room), keys.created(room),
                keys.stream(room), keys.webhookQueue(room), pendingKey(room)),
            List.of(user, RedisKeys.nodeField(nodeId, user), PubSubPayload.presence(room, true, user), publish,
                Broker.newIncarnation(), record ? "1" : "0", joined, created, room, hintFlag(),
                System.currentTimeMillis())), room, joined)
        .map(r -> new Broker.Membership(StreamEntries.strings(r.get(0)), MessageId.parse(r.get(1).toString())));
  }

  /**
   * Drops {@code node}'s presence of {@code user} in {@code room} (the room's entry first, then the node's index, so
   * the index never misses an entry); the room counts as active now.
   */
  Future<Void> leave(String node, String room, String user) {
    return leaveScript(node, room, user)
        .compose(v -> redis.batch(List.of(
            Request.cmd(Command.HDEL).arg(keys.nodePresence(node)).arg(RedisKeys.presenceField(room, user)),
            Request.cmd(Command.ZADD).arg(keys.roomActivity()).arg("XX").arg(System.currentTimeMillis()).arg(room))))
        .mapEmpty();
  }

  /** {@code leave.lua} for {@code node}'s entry of {@code user} in {@code room}, recording a member.left. */
  private Future<Response> leaveScript(String node, String room, String user) {
    String left = wid("member.left");
    return hinted(Script.LEAVE.run(redis, List.of(keys.members(room), keys.roomNodes(room), keys.joinChannel(room),
            keys.webhookQueue(room), pendingKey(room)),
        List.of(user, RedisKeys.nodeField(node, user), PubSubPayload.presence(room, false, user), publish, left, room,
            hintFlag(), System.currentTimeMillis())), room, left);
  }

  /** Stores and publishes a message; its id (the first one's, for a repeated idempotency key). */
  Future<String> publish(String room, String user, String text, String key) {
    boolean keyed = key != null;
    List<String> parts = PubSubPayload.messageParts(room, user, text);
    List<Object> args = new ArrayList<>(11);
    args.add(user);
    args.add(text);
    args.add(rooms.historySize());
    args.add(keyed ? "1" : "0");
    args.add(rooms.idempotencyWindowSeconds());
    args.add(rooms.historyMaxAgeSeconds() * 1000L);
    args.add(publish);
    args.addAll(parts);
    String created = wid("message.created");
    args.add(created);
    args.add(room);
    args.add(hintFlag());
    List<String> scriptKeys = List.of(keys.stream(room), keyed ? keys.idempotency(room, user, key) : keys.stream(room),
        keys.messageChannel(room), keys.created(room), keyed ? keys.keyIndex(room) : keys.stream(room),
        keys.webhookQueue(room), pendingKey(room));
    return hinted(redisSettings.waitReplicas() == 0 ? Script.PUBLISH.run(redis, scriptKeys, args)
        : Script.PUBLISH.runReplicated(redis, scriptKeys, args, redisSettings.waitReplicas(),
            redisSettings.waitTimeoutMs()), room, created)
        .map(r -> r.get(0).toString());
  }

  /** Records that {@code room} was active now (the idle sweep's input). */
  Future<Void> touch(String room) {
    return redis.send(Request.cmd(Command.ZADD).arg(keys.roomActivity()).arg("XX").arg(System.currentTimeMillis())
        .arg(room)).mapEmpty();
  }

  void typing(String room, String user) {
    redis.send(Request.cmd(publishCommand).arg(keys.joinChannel(room))
        .arg(PubSubPayload.typing(room, user)));
  }

  /**
   * The messages after {@code since} (a message id or a position, see {@code recover.lua}), oldest first; null unless
   * the stream still holds every one of them within the retention age.
   */
  Future<List<StoredMessage>> after(String room, MessageId since) {
    return read(room, since, false);
  }

  /**
   * The messages from {@code first} on, {@code first} included if {@code inclusive}, oldest first ({@code 0-0}: all
   * of them); null unless the stream still holds every one of them within the retention age. {@code first}'s own
   * entry may be older than that age: it is left out then, as no resume needs it.
   */
  Future<List<StoredMessage>> read(String room, MessageId first, boolean inclusive) {
    return Script.RECOVER.run(redis, List.of(keys.stream(room), keys.created(room)),
            List.of(first.toString(), rooms.historySize(), inclusive ? "1" : "0"))
        .map(r -> {
          if (r.get(0).toInteger() != 1) {
            return null;
          }
          List<StoredMessage> all = StreamEntries.decode(r.get(1), false, Long.MIN_VALUE);
          long cutoff = retentionCutoff();
          if (inclusive && !all.isEmpty() && all.get(0).id().equals(first.toString()) && all.get(0).ts() < cutoff) {
            all = all.subList(1, all.size());
          }
          return !all.isEmpty() && all.get(0).ts() < cutoff ? null : all;
        });
  }

  /** The id of the newest stored message of {@code room}; 0-0 for an empty stream. */
  Future<MessageId> newest(String room) {
    return redis.send(Request.cmd(Command.XREVRANGE).arg(keys.stream(room)).arg("+").arg("-").arg("COUNT").arg(1))
        .map(r -> r.size() == 0 ? new MessageId(0, 0) : MessageId.parse(r.get(0).get(0).toString()));
  }

  Future<List<StoredMessage>> history(String room, MessageId before, int limit) {
    return redis.send(Request.cmd(Command.XREVRANGE).arg(keys.stream(room))
            .arg(before == null ? "+" : "(" + before).arg("-").arg("COUNT").arg(limit))
        .map(r -> StreamEntries.decode(r, true, retentionCutoff()));
  }

  Future<List<String>> members(String room) {
    return redis.send(Request.cmd(Command.HKEYS).arg(keys.members(room))).map(StreamEntries::strings);
  }

  Future<List<String>> rooms() {
    return redis.send(Request.cmd(Command.SMEMBERS).arg(keys.rooms())).map(r -> {
      List<String> out = StreamEntries.strings(r);
      Collections.sort(out);
      return out;
    });
  }

  Future<Integer> roomCount() {
    return redis.send(Request.cmd(Command.SCARD).arg(keys.rooms())).map(Response::toInteger);
  }

  private long retentionCutoff() {
    return System.currentTimeMillis() - rooms.historyMaxAgeSeconds() * 1000L;
  }

  // ---- connections ----

  Future<Boolean> connect(String user, int max) {
    return Script.CONNECT.run(redis, List.of(keys.connections(), keys.nodeConnections()), List.of(user, max))
        .map(r -> r.toInteger() == 1);
  }

  Future<Void> disconnect(String user) {
    return Script.DISCONNECT.run(redis, List.of(keys.connections(), keys.nodeConnections()), List.of(user))
        .mapEmpty();
  }

  /** Sets this node's connection counts to {@code held} (user -> connections), moving the totals alike. */
  Future<Integer> correctConnections(Map<String, Integer> held) {
    List<Object> args = new ArrayList<>(held.size() * 2);
    held.forEach((user, n) -> {
      args.add(user);
      args.add(n);
    });
    return Script.COUNTS.run(redis, List.of(keys.nodeConnections(), keys.connections()), args)
        .map(Response::toInteger);
  }

  Future<List<String>> presenceIndex(String node) {
    return redis.send(Request.cmd(Command.HKEYS).arg(keys.nodePresence(node))).map(StreamEntries::strings);
  }

  // ---- nodes ----

  /** Keeps this node registered and its heartbeat alive for {@code ttlMs}. */
  Future<Void> heartbeat(long ttlMs) {
    return redis.batch(List.of(
        Request.cmd(Command.SET).arg(keys.nodeAlive()).arg(1).arg("PX").arg(ttlMs),
        Request.cmd(Command.SADD).arg(keys.nodes()).arg(nodeId))).mapEmpty();
  }

  /** Redis' clock, in epoch ms. */
  Future<Long> time() {
    return redis.send(Request.cmd(Command.TIME))
        .map(t -> t.get(0).toLong() * 1000 + t.get(1).toLong() / 1000);
  }

  /** The registered nodes whose heartbeat expired. */
  Future<List<String>> goneNodes() {
    return redis.send(Request.cmd(Command.SMEMBERS).arg(keys.nodes())).compose(r -> {
      List<String> nodes = StreamEntries.strings(r);
      List<Future<Boolean>> alive = new ArrayList<>();
      for (String n : nodes) {
        alive.add(redis.send(Request.cmd(Command.EXISTS).arg(keys.nodeAlive(n))).map(e -> e.toInteger() == 1));
      }
      return Future.all(alive).map(all -> {
        List<String> gone = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
          if (!all.<Boolean>resultAt(i)) {
            gone.add(nodes.get(i));
          }
        }
        return gone;
      });
    });
  }

  /** Takes the right to release {@code node} for {@code ttlMs} (one node does it, not all of them). */
  Future<Boolean> claimRelease(String node, long ttlMs) {
    return redis.send(Request.cmd(Command.SET).arg(keys.nodeReleasing(node)).arg(nodeId).arg("NX")
        .arg("PX").arg(ttlMs)).map(r -> r != null);
  }

  /**
   * Releases {@code node}'s presence (each room entry with {@code leave.lua}, a chunk at a time, so the users it held
   * leave once) and then its connection counts and registration. The number of entries released.
   */
  Future<Integer> release(String node) {
    return presenceIndex(node).compose(fields -> releaseFrom(node, fields, 0))
        .compose(count -> Script.RELEASE.run(redis,
                List.of(keys.nodeConnections(node), keys.connections(), keys.nodePresence(node), keys.nodeAlive(node),
                    keys.nodes(), keys.nodeReleasing(node)), List.of(node))
            .map(r -> count));
  }

  private Future<Integer> releaseFrom(String node, List<String> fields, int from) {
    int to = Math.min(fields.size(), from + 200);
    List<Future<Void>> chunk = new ArrayList<>();
    for (String field : fields.subList(from, to)) {
      int space = field.indexOf(' ');
      if (space > 0) {
        String room = field.substring(0, space);
        String user = field.substring(space + 1);
        chunk.add(leaveScript(node, room, user).mapEmpty());
      }
    }
    return Future.all(chunk).compose(v -> to == fields.size() ? Future.succeededFuture(fields.size())
        : releaseFrom(node, fields, to));
  }

  /**
   * Sets the data epoch if Redis has none; the epoch now in Redis (a different one than last seen means Redis lost
   * its data).
   */
  Future<String> epoch(String candidate) {
    return redis.send(Request.cmd(Command.SET).arg(keys.epoch()).arg(candidate).arg("NX").arg("GET"))
        .map(r -> r == null ? candidate : r.toString());
  }

  // ---- idle rooms ----

  /**
   * Deletes up to {@code max} rooms that stayed empty and silent since {@code cutoffMs}: each room's keys go first (in
   * its slot, only if it has no member), then its name (globally, only if nothing made it active meanwhile), which is
   * announced. The number of rooms deleted.
   */
  Future<Integer> expireIdle(long cutoffMs, int max) {
    long now = System.currentTimeMillis();
    return Script.IDLE.run(redis, List.of(keys.roomActivity(), keys.rooms()), List.of(cutoffMs, now, max))
        .compose(r -> {
          List<Future<Integer>> each = new ArrayList<>();
          for (String room : StreamEntries.strings(r)) {
            String deleted = wid("room.deleted");
            each.add(hinted(Script.DROP.run(redis,
                    List.of(keys.members(room), keys.stream(room), keys.roomNodes(room), keys.created(room),
                        keys.keyIndex(room), keys.webhookQueue(room), pendingKey(room)),
                    List.of(deleted, room, hintFlag(), System.currentTimeMillis())), room, deleted)
                .compose(dropped -> dropped.toInteger() == 1
                    ? Script.FORGET.run(redis, List.of(keys.roomActivity(), keys.rooms()),
                        List.of(room, cutoffMs, keys.deletedRoomChannel())).map(Response::toInteger)
                    : touch(room).map(0)));
          }
          return Future.all(each).map(all -> {
            int deleted = 0;
            for (int i = 0; i < all.size(); i++) {
              deleted += all.<Integer>resultAt(i);
            }
            return deleted;
          });
        });
  }

  /** Loads every script into the cache of the Redis behind {@code target}. */
  static Future<Void> preload(Redis target) {
    List<Future<Response>> all = new ArrayList<>();
    for (Script s : Script.values()) {
      all.add(s.preload(target));
    }
    return Future.all(all).mapEmpty();
  }
}
