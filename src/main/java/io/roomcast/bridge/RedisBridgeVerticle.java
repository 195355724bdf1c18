package io.roomcast.bridge;

import io.roomcast.bus.Addresses;
import io.roomcast.bus.BridgeReply;
import io.roomcast.bus.BridgeRequest;
import io.roomcast.bus.RoomEvent;
import io.roomcast.config.ChatConfig;
import io.roomcast.ops.Metrics;
import io.roomcast.ops.ThrottledLog;
import io.roomcast.protocol.ErrorCode;
import io.roomcast.protocol.MessageId;
import io.roomcast.protocol.Names;
import io.roomcast.protocol.ServerFrames;
import io.roomcast.protocol.StoredMessage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster broker: rooms, history, idempotency keys and presence live in Redis, and events reach every node
 * through Redis Pub/Sub (layout in {@link RedisKeys}). It honours the same bridge contract as
 * {@link MemoryBridgeVerticle}; one instance per JVM.
 *
 * <p>Two kinds of connection: one dedicated subscriber connection that only ever carries (P)SUBSCRIBE, and a pool
 * for every other command. The Vert.x client never reconnects a subscriber, so this verticle does: on loss it
 * reports not-ready, reconnects with jittered exponential backoff, subscribes again, and reconciles this node's
 * presence entries with the connections it still holds. While not ready, requests are answered {@code unavailable}
 * at once without touching Redis, so a refused request changed nothing.
 *
 * <p>Order: the commands that change a room (publish, join, leave) run one at a time per room ("lanes"), so a
 * room's messages are stored in the order requests arrived, whichever pooled connection carries them.
 */
public final class RedisBridgeVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RedisBridgeVerticle.class);
  private static final String TOO_MANY_ROOMS = "ROOMCAST_TOO_MANY_ROOMS";
  private static final String QUOTA = "ROOMCAST_QUOTA";
  /** Message ids are Redis' clock at storage; one later than Redis' clock by more than this is forged. */
  private static final long CLOCK_MARGIN_MS = 2000;
  private static final ThrottledLog MALFORMED = new ThrottledLog(LOG, 10_000);

  private final ChatConfig config;
  private final Metrics metrics;
  private final RedisKeys keys;
  private final Backoff backoff;
  private LuaScript publishScript;
  private LuaScript joinScript;
  private LuaScript leaveScript;
  private LuaScript createScript;
  private LuaScript recoverScript;
  private LuaScript releaseScript;
  private LuaScript connectScript;
  private LuaScript disconnectScript;
  private LuaScript expireScript;
  /** user -> this node's admitted connections of the user. */
  private final Map<String, Integer> connections = new HashMap<>();
  /** room -> id of the newest message this node forwarded (rooms with local members); where a backfill starts. */
  private final Map<String, MessageId> lastForwarded = new HashMap<>();
  /** rooms being backfilled after a subscription gap -> the live messages held back meanwhile. */
  private final Map<String, List<RoomEvent>> backfilling = new HashMap<>();
  private long heartbeatTimer;
  private long expiryTimer = -1;
  /** Redis' clock minus this node's, measured by every heartbeat (TIME). */
  private volatile long redisClockOffsetMs;
  /** Redis' data epoch as last seen; a new one means Redis lost its data (restart without persistence). */
  private String epoch;
  /** room -> user -> this node's sessions of the user in the room. */
  private final Map<String, Map<String, Set<String>>> local = new HashMap<>();
  private final Map<String, Lane> lanes = new HashMap<>();

  private Redis commands;
  private Redis subscriberClient;
  private RedisConnection subscriber;
  private MessageConsumer<BridgeRequest> consumer;
  private int confirmations;
  private boolean subscribed;
  private boolean answering;
  private boolean everSubscribed;
  private int attempt;
  private long pingTimer;
  private boolean stopping;

  public RedisBridgeVerticle(ChatConfig config, Metrics metrics) {
    this.config = config;
    this.metrics = metrics;
    this.keys = new RedisKeys(config.redisPrefix(), config.nodeId());
    this.backoff = new Backoff(config.redisReconnectMinMs(), config.redisReconnectMaxMs(),
        bound -> ThreadLocalRandom.current().nextLong(bound + 1));
  }

  @Override
  public Future<?> start() {
    // reading the scripts from the jar is file I/O: not on the event loop
    return vertx.executeBlocking(() -> {
      publishScript = LuaScript.load("publish.lua");
      joinScript = LuaScript.load("join.lua");
      leaveScript = LuaScript.load("leave.lua");
      createScript = LuaScript.load("create.lua");
      recoverScript = LuaScript.load("recover.lua");
      releaseScript = LuaScript.load("release.lua");
      connectScript = LuaScript.load("connect.lua");
      disconnectScript = LuaScript.load("disconnect.lua");
      expireScript = LuaScript.load("expire.lua");
      return null;
    }).compose(v -> connect());
  }

  private Future<Void> connect() {
    RedisOptions options = new RedisOptions()
        .setConnectionString(config.redisUrl())
        .setMaxPoolSize(config.redisPoolSize())
        // bursts of sends from many sessions queue here instead of failing with ConnectionPoolTooBusy
        .setMaxPoolWaiting(4096)
        .setMaxWaitingHandlers(4096)
        .setPoolName("roomcast-redis-" + config.nodeId());
    commands = Redis.createClient(vertx, options);
    subscriberClient = Redis.createClient(vertx,
        new RedisOptions(options).setMaxPoolSize(1).setPoolName("roomcast-redis-sub-" + config.nodeId()));
    consumer = vertx.eventBus().localConsumer(Addresses.BRIDGE, this::handle);
    pingTimer = vertx.setPeriodic(config.redisPingIntervalMs(), id -> ping());
    heartbeatTimer = vertx.setPeriodic(Math.max(500, config.presenceTtlSeconds() * 1000L / 3), id -> heartbeat());
    if (config.roomIdleExpirySeconds() > 0) {
      expiryTimer = vertx.setPeriodic(RoomExpiry.sweepIntervalMs(config.roomIdleExpirySeconds()), id -> expireRooms());
    }
    LOG.info("Redis broker at {} (prefix '{}'), connecting", config.redisUrlForLogs(), config.redisPrefix());
    connectSubscriber();
    // deployed does not mean ready: readiness follows the subscription, which may come later (Redis still down)
    return consumer.completion();
  }

  /**
   * Stops after the room lanes drained (bounded) and this node released its presence entries, so other nodes' clients
   * get their leaves now rather than after the presence TTL.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(pingTimer);
    vertx.cancelTimer(heartbeatTimer);
    vertx.cancelTimer(expiryTimer);
    RedisConnection sub = subscriber;
    subscriber = null;
    Future<Void> closeSub = sub == null ? Future.succeededFuture() : sub.close().otherwiseEmpty();
    Promise<Void> lanesDrained = Promise.promise();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.bridgeTimeoutMs());
    vertx.setPeriodic(20, t -> {
      if (lanes.isEmpty() || System.nanoTime() > deadline) {
        vertx.cancelTimer(t);
        lanesDrained.complete();
      }
    });
    return Future.all(consumer.unregister(), closeSub, lanesDrained.future())
        .compose(v -> releaseScript.run(commands, List.of(),
                List.of(config.redisPrefix(), config.nodeId(), System.currentTimeMillis()))
            .timeout(config.bridgeTimeoutMs(), TimeUnit.MILLISECONDS))
        .onSuccess(r -> LOG.info("released {} presence entries of this node", r.toInteger()))
        .onFailure(e -> LOG.warn("presence not released ({}); other nodes expire it after {} s", e.toString(),
            config.presenceTtlSeconds()))
        // a node stops cleanly even with Redis gone: its presence then expires on the other nodes
        .otherwiseEmpty()
        .eventually(() -> {
          commands.close();
          subscriberClient.close();
          return Future.succeededFuture();
        });
  }

  private boolean ready() {
    return subscribed && answering;
  }

  // ---- subscriber connection ----

  private void connectSubscriber() {
    if (stopping) {
      return;
    }
    subscriberClient.connect().onComplete(ar -> {
      if (ar.failed()) {
        retry(ar.cause().toString());
        return;
      }
      RedisConnection conn = ar.result();
      if (stopping) {
        conn.close();
        return;
      }
      subscriber = conn;
      confirmations = 0;
      conn.handler(r -> onPush(conn, r));
      conn.endHandler(v -> lost(conn, "connection closed"));
      conn.exceptionHandler(e -> lost(conn, e.toString()));
      // named before it subscribes (no command may follow a subscription), so operators find it in CLIENT LIST;
      // the subscriptions complete when written, their confirmations arrive in onPush
      conn.send(Request.cmd(Command.CLIENT).arg("SETNAME").arg("roomcast-sub-" + config.nodeId()))
          .onFailure(e -> lost(conn, e.toString()))
          .onSuccess(v -> {
            conn.send(Request.cmd(Command.PSUBSCRIBE).arg(keys.roomPattern())).onFailure(e -> lost(conn, e.toString()));
            conn.send(Request.cmd(Command.SUBSCRIBE).arg(keys.newRoomChannel()).arg(keys.deletedRoomChannel()))
                .onFailure(e -> lost(conn, e.toString()));
          });
    });
  }

  private void retry(String reason) {
    if (stopping) {
      return;
    }
    long delay = backoff.delayMs(attempt);
    attempt++;
    if (attempt == 1 || attempt % 10 == 0) {
      LOG.warn("Redis subscriber not connected ({}); retry {} in {} ms", reason, attempt, delay);
    }
    vertx.setTimer(delay, t -> connectSubscriber());
  }

  private void lost(RedisConnection conn, String reason) {
    if (conn != subscriber) {
      return;
    }
    subscriber = null;
    subscribed = false;
    conn.close();
    LOG.warn("Redis subscriber lost ({}): not ready until subscribed again", reason);
    retry(reason);
  }

  private void onPush(RedisConnection conn, Response r) {
    if (conn != subscriber || (r.type() != ResponseType.PUSH && r.type() != ResponseType.MULTI) || r.size() < 3) {
      return;
    }
    String kind = r.get(0).toString();
    switch (kind) {
      case "pmessage" -> onRoomEvent(r.get(2).toString(), r.get(3).toBuffer());
      case "message" -> onRoomListChange(r.get(1).toString(), r.get(2).toString());
      case "psubscribe", "subscribe" -> {
        if (++confirmations == 3) {
          onSubscribed();
        }
      }
      default -> LOG.debug("ignored pub/sub frame {}", kind);
    }
  }

  private void onSubscribed() {
    attempt = 0;
    subscribed = true;
    answering = true;
    if (everSubscribed) {
      metrics.redisReconnected();
    }
    everSubscribed = true;
    LOG.info("Redis subscriber ready: PSUBSCRIBE {} and SUBSCRIBE {} {}", keys.roomPattern(), keys.newRoomChannel(),
        keys.deletedRoomChannel());
    for (LuaScript s : List.of(publishScript, joinScript, leaveScript, createScript, recoverScript, releaseScript,
        connectScript, disconnectScript, expireScript)) {
      s.preload(commands).onFailure(e -> LOG.debug("script preload failed: {}", e.toString()));
    }
    heartbeat();
    reconcilePresence();
    backfill();
  }

  /**
   * Keeps this node's heartbeat key alive and releases the presence of nodes whose heartbeat expired (crashed
   * without a goodbye). Every node runs it; the script is idempotent.
   */
  private void heartbeat() {
    if (!subscribed) {
      return;
    }
    String node = config.nodeId();
    long ttlMs = config.presenceTtlSeconds() * 1000L;
    long before = System.currentTimeMillis();
    commands.send(Request.cmd(Command.TIME)).onSuccess(t -> {
      long after = System.currentTimeMillis();
      long redisMs = t.get(0).toLong() * 1000 + t.get(1).toLong() / 1000;
      redisClockOffsetMs = redisMs - (before + after) / 2;
    });
    commands.send(Request.cmd(Command.SET).arg(keys.nodeAlive()).arg(1).arg("PX").arg(ttlMs))
        .compose(v -> commands.send(Request.cmd(Command.SADD).arg(keys.nodes()).arg(node)))
        .compose(v -> releaseScript.run(commands, List.of(),
            List.of(config.redisPrefix(), "*", System.currentTimeMillis())))
        .onSuccess(r -> {
          if (r.toInteger() > 0) {
            LOG.info("released {} presence entries of nodes whose heartbeat expired", r.toInteger());
          }
        })
        .onFailure(e -> LOG.debug("heartbeat failed: {}", e.toString()));
  }

  /**
   * After a gap in the subscription, delivers what the rooms with local members received meanwhile, from their
   * streams, before the live messages that arrive now (held back until then). A room whose gap cannot be read
   * (trimmed, or Redis lost its data) gets a resync: its connections are closed with 1001 to resume.
   */
  private void backfill() {
    for (String room : local.keySet()) {
      backfilling.put(room, new ArrayList<>());
    }
    String candidate = Long.toString(ThreadLocalRandom.current().nextLong(Long.MAX_VALUE), 36);
    commands.send(Request.cmd(Command.SET).arg(keys.epoch()).arg(candidate).arg("NX").arg("GET"))
        .onComplete(ar -> {
          String now = ar.succeeded() ? (ar.result() == null ? candidate : ar.result().toString()) : null;
          boolean lost = now == null || (epoch != null && !epoch.equals(now));
          if (now != null && epoch != null && lost) {
            LOG.warn("Redis lost its data (epoch {} is now {}): rooms with messages cannot be replayed", epoch, now);
          }
          epoch = now;
          for (String room : List.copyOf(backfilling.keySet())) {
            backfillRoom(room, lost);
          }
        });
  }

  private void backfillRoom(String room, boolean dataLost) {
    MessageId from = lastForwarded.get(room);
    boolean nothingSeen = from != null && from.isZero();
    Future<List<StoredMessage>> missed = from == null || (dataLost && !nothingSeen)
        ? Future.succeededFuture(null)
        : recoverScript.run(commands, List.of(keys.stream(room)), List.of(from.toString(), config.historySize()))
            .map(r -> r.get(0).toInteger() == 1 ? messages(r.get(1), false) : null);
    missed.onComplete(ar -> {
      List<RoomEvent> held = backfilling.remove(room);
      if (ar.failed() || ar.result() == null) {
        LOG.warn("room {}: messages after {} cannot be replayed; asking its connections to resume", room, from);
        lastForwarded.remove(room);
        vertx.eventBus().publish(Addresses.room(room), RoomEvent.resync());
        if (local.containsKey(room)) {
          rememberNewest(room);
        }
      } else {
        for (StoredMessage m : ar.result()) {
          forward(room, RoomEvent.message(m.id(), ServerFrames.message(room, m)));
        }
        metrics.backfilled(ar.result().size());
        if (!ar.result().isEmpty()) {
          LOG.info("room {}: {} messages from the subscription gap delivered", room, ar.result().size());
        }
      }
      if (held != null) {
        held.forEach(e -> forward(room, e));
      }
    });
  }

  /** Publishes a room event to the local gateways, in id order and once: messages already forwarded are skipped. */
  private void forward(String room, RoomEvent event) {
    if (event.kind() == RoomEvent.Kind.MESSAGE) {
      List<RoomEvent> held = backfilling.get(room);
      if (held != null) {
        held.add(event);
        return;
      }
      MessageId id = event.messageId();
      MessageId last = lastForwarded.get(room);
      if (id != null && last != null && id.compareTo(last) <= 0) {
        return;
      }
      if (id != null && local.containsKey(room)) {
        lastForwarded.put(room, id);
      }
    }
    vertx.eventBus().publish(Addresses.room(room), event);
  }

  /**
   * A room event from any node (this one included): forward its frame, as received, to the local gateways. Only
   * payloads a node would have published pass ({@link PubSubPayload#decode}); and since a message id sets how far
   * every session of the room has read, an id from beyond Redis' own clock is not believed: the message is dropped
   * and the room backfilled from its stream, which delivers it if (and only if) the stream really holds it.
   */
  private void onRoomEvent(String channel, Buffer payload) {
    metrics.pubsubReceived();
    String room = keys.roomOf(channel);
    RoomEvent event = room == null || !Names.isValidRoom(room) ? null : PubSubPayload.decode(room, payload);
    if (event == null) {
      metrics.pubsubMalformed();
      MALFORMED.info("dropped a pub/sub message on {} that no node published (malformed or forged)",
          ThrottledLog.clip(channel));
      return;
    }
    if (event.kind() == RoomEvent.Kind.MESSAGE) {
      long redisNow = System.currentTimeMillis() + redisClockOffsetMs;
      if (event.messageId().millis() > redisNow + CLOCK_MARGIN_MS) {
        metrics.pubsubMalformed();
        MALFORMED.info("room {}: a message id from the future ({}); checking the stream", room, event.messageId());
        if (lastForwarded.containsKey(room) && !backfilling.containsKey(room)) {
          backfilling.put(room, new ArrayList<>());
          backfillRoom(room, false);
        }
        return;
      }
      metrics.pubsubLag(event.messageId().millis());
    }
    forward(room, event);
  }

  /** A room was created or deleted (on any node): every local client hears of it. */
  private void onRoomListChange(String channel, String room) {
    metrics.pubsubReceived();
    if (!Names.isValidRoom(room)) {
      metrics.pubsubMalformed();
      return;
    }
    boolean deleted = channel.equals(keys.deletedRoomChannel());
    vertx.eventBus().publish(Addresses.ROOMS,
        RoomEvent.room(deleted ? ServerFrames.roomDeleted(room) : ServerFrames.roomCreated(room)));
  }

  /** Deletes rooms idle for {@code roomIdleExpirySeconds}: every node runs the (idempotent) sweep. */
  private void expireRooms() {
    if (!ready()) {
      return;
    }
    long now = System.currentTimeMillis();
    expireScript.run(commands, List.of(keys.roomActivity(), keys.rooms()), List.of(config.redisPrefix(),
            now - config.roomIdleExpirySeconds() * 1000L, now, keys.deletedRoomChannel(), 100))
        .onSuccess(r -> {
          if (r.toInteger() > 0) {
            LOG.info("deleted {} rooms that stayed empty and silent for {} s", r.toInteger(),
                config.roomIdleExpirySeconds());
          }
        })
        .onFailure(e -> LOG.debug("room expiry sweep failed: {}", e.toString()));
  }

  /**
   * Makes this node's presence entries in Redis match the connections it holds: adds what Redis lost (a restart
   * without persistence) and removes what was left behind (leaves that could not reach Redis).
   */
  private void reconcilePresence() {
    commands.send(Request.cmd(Command.HKEYS).arg(keys.nodePresence())).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("presence reconciliation failed: {}", ar.cause().toString());
        return;
      }
      Set<String> inRedis = new HashSet<>();
      for (Response field : ar.result()) {
        inRedis.add(field.toString());
      }
      int added = 0;
      int removed = 0;
      for (Map.Entry<String, Map<String, Set<String>>> room : local.entrySet()) {
        for (String user : room.getValue().keySet()) {
          if (!inRedis.remove(RedisKeys.presenceField(room.getKey(), user))) {
            String r = room.getKey();
            inLane(r, Long.MAX_VALUE, () -> runJoin(r, user, null));
            added++;
          }
        }
      }
      for (String field : inRedis) {
        int space = field.indexOf(' ');
        if (space > 0) {
          String r = field.substring(0, space);
          String user = field.substring(space + 1);
          inLane(r, Long.MAX_VALUE, () -> runLeave(r, user));
          removed++;
        }
      }
      if (added + removed > 0) {
        LOG.info("presence reconciled with Redis: {} entries restored, {} removed", added, removed);
      }
    });
    reconcileConnections();
  }

  /** Makes this node's connection counts in Redis match the connections it holds (the per-user limit's input). */
  private void reconcileConnections() {
    commands.send(Request.cmd(Command.HGETALL).arg(keys.nodeConnections())).onSuccess(r -> {
      Map<String, Integer> inRedis = new HashMap<>();
      List<String> flat = strings(r);
      for (int i = 0; i + 1 < flat.size(); i += 2) {
        inRedis.put(flat.get(i), Integer.parseInt(flat.get(i + 1)));
      }
      Set<String> users = new HashSet<>(inRedis.keySet());
      users.addAll(connections.keySet());
      for (String user : users) {
        int diff = connections.getOrDefault(user, 0) - inRedis.getOrDefault(user, 0);
        if (diff != 0) {
          commands.send(Request.cmd(Command.HINCRBY).arg(keys.nodeConnections()).arg(user).arg(diff));
          commands.send(Request.cmd(Command.HINCRBY).arg(keys.connections()).arg(user).arg(diff));
        }
      }
    });
  }

  /** Checks that Redis answers (and refreshes the room count): a frozen Redis makes the node not ready. */
  private void ping() {
    commands.send(Request.cmd(Command.SCARD).arg(keys.rooms()))
        .timeout(config.redisPingIntervalMs(), TimeUnit.MILLISECONDS)
        .onComplete(ar -> {
          boolean was = answering;
          answering = ar.succeeded();
          if (ar.succeeded()) {
            metrics.rooms(ar.result().toInteger());
          } else if (was) {
            LOG.warn("Redis does not answer ({}): not ready", ar.cause().toString());
          }
        });
  }

  // ---- requests from the gateways ----

  private void handle(Message<BridgeRequest> msg) {
    BridgeRequest req = msg.body();
    try {
      if (req instanceof BridgeRequest.Ping) {
        msg.reply(new BridgeReply.Status(ready()));
      } else if (req instanceof BridgeRequest.Leave l) {
        leave(msg, l);
      } else if (req instanceof BridgeRequest.Disconnect d) {
        disconnect(d.user());
      } else if (!ready()) {
        msg.fail(ErrorCode.UNAVAILABLE.number(), "the message broker is unavailable right now; retry");
      } else if (req instanceof BridgeRequest.Publish p) {
        publish(msg, p);
      } else if (req instanceof BridgeRequest.Typing t) {
        typing(t);
      } else if (req instanceof BridgeRequest.Join j) {
        join(msg, j);
      } else if (req instanceof BridgeRequest.Create c) {
        reply(msg, createScript.run(commands,
                List.of(keys.rooms(), keys.roomActivity(), c.quota() == null ? keys.rooms() : keys.quota(c.quota())),
                List.of(c.room(), keys.newRoomChannel(), config.maxRooms(), System.currentTimeMillis(),
                    c.quota() == null ? "0" : "1", config.roomCreateQuota(), config.roomCreateWindowSeconds())),
            r -> new BridgeReply.Created(r.toInteger() == 1));
      } else if (req instanceof BridgeRequest.ListRooms) {
        reply(msg, commands.send(Request.cmd(Command.SMEMBERS).arg(keys.rooms())),
            r -> new BridgeReply.RoomList(sorted(r)));
      } else if (req instanceof BridgeRequest.History h && h.before() != null && h.before().isZero()) {
        msg.reply(new BridgeReply.Page(List.of()));   // nothing is older than the first possible id
      } else if (req instanceof BridgeRequest.History h) {
        reply(msg, commands.send(Request.cmd(Command.XREVRANGE).arg(keys.stream(h.room()))
                .arg(h.before() == null ? "+" : "(" + h.before()).arg("-").arg("COUNT").arg(h.limit())),
            r -> new BridgeReply.Page(messages(r, true)));
      } else if (req instanceof BridgeRequest.Members m) {
        reply(msg, commands.send(Request.cmd(Command.HKEYS).arg(keys.members(m.room()))),
            r -> new BridgeReply.UserList(strings(r)));
      } else if (req instanceof BridgeRequest.Connect c) {
        reply(msg, connectScript.run(commands, List.of(keys.connections(), keys.nodeConnections()),
            List.of(c.user(), c.max())), r -> {
              boolean admitted = r.toInteger() == 1;
              if (admitted) {
                connections.merge(c.user(), 1, Integer::sum);
              }
              return new BridgeReply.Admitted(admitted);
            });
      }
    } catch (RuntimeException e) {
      LOG.error("broker request {} failed", req.getClass().getSimpleName(), e);
      msg.fail(ErrorCode.INTERNAL.number(), "internal error");
    }
  }

  private void publish(Message<BridgeRequest> msg, BridgeRequest.Publish p) {
    ServerFrames.MessageTemplate frame = ServerFrames.messageTemplate(p.room(), p.user(), p.text());
    boolean keyed = p.key() != null;
    List<String> scriptKeys = List.of(keys.stream(p.room()),
        keyed ? keys.idempotency(p.room(), p.user(), p.key()) : keys.stream(p.room()), keys.roomActivity());
    List<Object> args = List.of(p.user(), p.text(), config.historySize(), keys.messageChannel(p.room()),
        frame.head(), frame.middle(), keyed ? "1" : "0", config.idempotencyWindowSeconds(),
        config.historyMaxAgeSeconds() * 1000L, p.room());
    long arrived = System.nanoTime();
    reply(msg, inLane(p.room(), deadline(arrived), () -> publishScript.run(commands, scriptKeys, args)), r -> {
      metrics.publishLatency(System.nanoTime() - arrived);
      return new BridgeReply.Sent(r.get(0).toString());
    });
  }

  private void typing(BridgeRequest.Typing t) {
    Buffer payload = PubSubPayload.typing(t.room(), t.user());
    commands.send(Request.cmd(Command.PUBLISH).arg(keys.joinChannel(t.room())).arg(payload))
        .onFailure(e -> LOG.debug("typing not published: {}", e.toString()));
  }

  private void join(Message<BridgeRequest> msg, BridgeRequest.Join j) {
    if (!local.containsKey(j.room())) {
      rememberNewest(j.room());
    }
    Set<String> sessions = local.computeIfAbsent(j.room(), r -> new HashMap<>())
        .computeIfAbsent(j.user(), u -> new LinkedHashSet<>());
    metrics.localRooms(local.size());
    boolean first = sessions.isEmpty();
    if (!sessions.add(j.session())) {
      first = false;
    }
    boolean firstOnNode = first;
    MessageId since = MessageId.parse(j.since());
    Future<BridgeReply.Joined> joined = inLane(j.room(), deadline(System.nanoTime()), () -> (firstOnNode
        ? runJoin(j.room(), j.user(), j.quota())
        : commands.send(Request.cmd(Command.HKEYS).arg(keys.members(j.room()))))
        .compose(members -> recover(j.room(), since).map(missed -> new BridgeReply.Joined(strings(members),
            missed != null, missed == null ? List.of() : missed))));
    joined.onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(ar.result());
      } else {
        if (firstOnNode) {
          forget(j.room(), j.user(), j.session());
        }
        fail(msg, ar.cause());
      }
    });
  }

  /**
   * A room just got its first local member: from now on this node must not miss its messages, so a later backfill
   * starts at the newest message stored now (0-0 for an empty stream).
   */
  private void rememberNewest(String room) {
    commands.send(Request.cmd(Command.XREVRANGE).arg(keys.stream(room)).arg("+").arg("-").arg("COUNT").arg(1))
        .onSuccess(r -> {
          MessageId newest = r.size() == 0 ? new MessageId(0, 0) : MessageId.parse(r.get(0).get(0).toString());
          MessageId seen = lastForwarded.get(room);
          if (local.containsKey(room) && newest != null && (seen == null || newest.compareTo(seen) > 0)) {
            lastForwarded.put(room, newest);
          }
        });
  }

  /** The retained messages after {@code since}, oldest first; null when there is no {@code since} or it is gone. */
  private Future<List<StoredMessage>> recover(String room, MessageId since) {
    if (since == null || since.millis() < System.currentTimeMillis() - config.historyMaxAgeSeconds() * 1000L) {
      return Future.succeededFuture(null);
    }
    return recoverScript.run(commands, List.of(keys.stream(room)), List.of(since.toString(), config.historySize()))
        .map(r -> r.get(0).toInteger() == 1 ? messages(r.get(1), false) : null);
  }

  /** Leaves always succeed here: Redis is updated now, or by the reconciliation after the next (re)subscription. */
  private void leave(Message<BridgeRequest> msg, BridgeRequest.Leave l) {
    boolean lastOnNode = forget(l.room(), l.user(), l.session());
    if (lastOnNode && ready()) {
      inLane(l.room(), Long.MAX_VALUE, () -> runLeave(l.room(), l.user()))
          .onFailure(e -> LOG.debug("leave not recorded in Redis yet: {}", e.toString()));
    }
    msg.reply(new BridgeReply.Done());
  }

  /** Counted here at once; in Redis now, or by the reconciliation after the next (re)subscription. */
  private void disconnect(String user) {
    Integer held = connections.get(user);
    if (held == null) {
      return;
    }
    if (held <= 1) {
      connections.remove(user);
    } else {
      connections.put(user, held - 1);
    }
    if (ready()) {
      disconnectScript.run(commands, List.of(keys.connections(), keys.nodeConnections()), List.of(user))
          .onFailure(e -> LOG.debug("disconnect not recorded in Redis yet: {}", e.toString()));
    }
  }

  /** Removes a session; true when it was the user's last one in the room on this node. */
  private boolean forget(String room, String user, String session) {
    Map<String, Set<String>> users = local.get(room);
    Set<String> sessions = users == null ? null : users.get(user);
    if (sessions == null || !sessions.remove(session)) {
      return false;
    }
    if (sessions.isEmpty()) {
      users.remove(user);
      if (users.isEmpty()) {
        local.remove(room);
        lastForwarded.remove(room);
        metrics.localRooms(local.size());
      }
      return true;
    }
    return false;
  }

  /** Records this node's presence of {@code user} in {@code room}; a new room counts toward {@code quota} (or null). */
  private Future<Response> runJoin(String room, String user, String quota) {
    Buffer presence = PubSubPayload.presence(room, true, user);
    return joinScript.run(commands, List.of(keys.rooms(), keys.members(room), keys.nodePresence(),
            keys.roomActivity(), quota == null ? keys.rooms() : keys.quota(quota)),
        List.of(room, user, RedisKeys.presenceField(room, user), keys.newRoomChannel(), keys.joinChannel(room),
            presence, config.maxRooms(), System.currentTimeMillis(), quota == null ? "0" : "1",
            config.roomCreateQuota(), config.roomCreateWindowSeconds()));
  }

  private Future<Response> runLeave(String room, String user) {
    Buffer presence = PubSubPayload.presence(room, false, user);
    return leaveScript.run(commands, List.of(keys.members(room), keys.nodePresence(), keys.roomActivity()),
        List.of(user, RedisKeys.presenceField(room, user), keys.joinChannel(room), presence, room,
            System.currentTimeMillis()));
  }

  private long deadline(long arrivedNanos) {
    return arrivedNanos + TimeUnit.MILLISECONDS.toNanos(config.bridgeTimeoutMs());
  }

  private <R extends BridgeReply> void reply(Message<BridgeRequest> msg, Future<Response> result,
      java.util.function.Function<Response, R> toReply) {
    result.onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(toReply.apply(ar.result()));
      } else {
        fail(msg, ar.cause());
      }
    });
  }

  private void fail(Message<BridgeRequest> msg, Throwable cause) {
    // a script's error reply: Redis puts its own prefix (ERR) before messages that have no code of their own
    String error = String.valueOf(cause.getMessage());
    if (error.contains(TOO_MANY_ROOMS)) {
      msg.fail(ErrorCode.TOO_MANY_ROOMS.number(), "the server holds its maximum of " + config.maxRooms() + " rooms");
    } else if (error.contains(QUOTA)) {
      msg.fail(ErrorCode.RATE_LIMITED.number(), RoomExpiry.quotaMessage(config));
    } else {
      LOG.debug("Redis request {} failed: {}", msg.body().getClass().getSimpleName(), cause.toString());
      msg.fail(ErrorCode.UNAVAILABLE.number(), "the message broker is unavailable right now; retry");
    }
  }

  private static List<String> strings(Response r) {
    List<String> out = new ArrayList<>(r == null ? 0 : r.size());
    if (r != null) {
      for (Response item : r) {
        out.add(item.toString());
      }
    }
    return out;
  }

  private static List<String> sorted(Response r) {
    List<String> out = strings(r);
    Collections.sort(out);
    return out;
  }

  /** Stream entries as stored messages, oldest first; ts is the id's millisecond part. */
  private List<StoredMessage> messages(Response r, boolean newestFirst) {
    long cutoff = System.currentTimeMillis() - config.historyMaxAgeSeconds() * 1000L;
    List<StoredMessage> out = new ArrayList<>(r.size());
    for (Response entry : r) {
      String id = entry.get(0).toString();
      Response fields = entry.get(1);
      String user = null;
      String text = null;
      for (int i = 0; i + 1 < fields.size(); i += 2) {
        String name = fields.get(i).toString();
        if (name.equals("u")) {
          user = fields.get(i + 1).toString();
        } else if (name.equals("t")) {
          text = fields.get(i + 1).toString();
        }
      }
      MessageId parsed = MessageId.parse(id);
      long ts = parsed == null ? 0 : parsed.millis();
      if (ts >= cutoff) {
        out.add(new StoredMessage(id, user, text, ts));
      }
    }
    if (newestFirst) {
      Collections.reverse(out);
    }
    return out;
  }

  // ---- per-room lanes ----

  /**
   * Runs {@code op} after the room's earlier ops completed or timed out. An op whose deadline passed before its turn
   * is not run (its requester was already told {@code unavailable}).
   */
  private <T> Future<T> inLane(String room, long deadlineNanos, Supplier<Future<T>> op) {
    Promise<T> promise = Promise.promise();
    Lane lane = lanes.computeIfAbsent(room, r -> new Lane());
    lane.queue.add(() -> {
      if (deadlineNanos != Long.MAX_VALUE && System.nanoTime() > deadlineNanos) {
        promise.fail("timed out waiting for earlier requests of the room");
        next(room, lane);
        return;
      }
      Future<T> f;
      try {
        // bounded, so a frozen Redis cannot hold the lane (and every later request of the room) forever
        f = op.get().timeout(config.bridgeTimeoutMs(), TimeUnit.MILLISECONDS);
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(ar -> {
        promise.handle(ar);
        next(room, lane);
      });
    });
    if (!lane.busy) {
      next(room, lane);
    }
    return promise.future();
  }

  private void next(String room, Lane lane) {
    Runnable op = lane.queue.poll();
    if (op == null) {
      lane.busy = false;
      lanes.remove(room);
      return;
    }
    lane.busy = true;
    op.run();
  }

  private static final class Lane {
    final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    boolean busy;
  }
}
