package io.roomcast.bridge.redis;

import io.roomcast.bridge.Broker;
import io.roomcast.bus.Refused;
import io.roomcast.bridge.RoomEvents;
import io.roomcast.bus.RoomEvent;
import io.roomcast.config.NodeSettings;
import io.roomcast.config.RedisSettings;
import io.roomcast.config.RoomSettings;
import io.roomcast.config.RedisMode;
import io.roomcast.config.WebhookSettings;
import io.roomcast.webhooks.WebhookStore;
import io.roomcast.ops.Metrics;
import io.roomcast.ops.ThrottledLog;
import io.roomcast.protocol.MessageId;
import io.roomcast.protocol.Names;
import io.roomcast.protocol.ServerFrames;
import io.roomcast.protocol.StoredMessage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker that shares rooms through Redis, in any {@link RedisMode}: rooms, history, idempotency keys and presence
 * live in Redis ({@link RedisKeys}), and events reach every node that serves a room through Redis pub/sub. Its parts:
 * {@link RedisOps} (the commands and scripts), {@link Subscriber} (the pub/sub connection), {@link Backfill} (in-order,
 * once-only forwarding and gap filling), {@link LocalPresence} (what this node holds, reconciled with Redis after an
 * outage), {@link Lanes} (per-room order of writes), {@link RedisHealth} (whether Redis answers; for a cluster
 * through {@link ClusterHealth}), {@link Resync} (catching up after the subscription was lost, and Redis' data
 * epoch), {@link PresenceKeeper} (heartbeat, release of dead nodes, reconciliation) and {@link IdleRooms}.
 *
 * <p>Readiness: the subscription is in place and Redis answered the last health check. While not ready, the bridge
 * refuses requests with {@code unavailable} without touching Redis, so a refused request changed nothing; leaves and
 * disconnects are taken (this node forgets at once) and written to Redis by the reconciliation when it is back.
 */
public final class RedisBroker implements Broker, PubSubListener {
  private static final Logger LOG = LoggerFactory.getLogger(RedisBroker.class);
  /**
   * Message ids are Redis' clock at storage; one later than Redis' clock (as this node measures it, to within this
   * margin) cannot be a stored message, and is forwarded only once the stream shows it. A real one flagged by a badly
   * measured clock only waits for that read.
   */
  private static final long CLOCK_MARGIN_MS = 250;
  private static final ThrottledLog MALFORMED = new ThrottledLog(LOG, 10_000);

  private final Vertx vertx;
  private final NodeSettings node;
  private final RedisSettings redis;
  private final RoomSettings roomSettings;
  private final Metrics metrics;
  private final RoomEvents events;
  private final RedisMode mode;
  private final RedisKeys keys;
  private final LocalPresence local = new LocalPresence();
  private final Lanes lanes;
  private final Backfill backfill;
  private Redis commands;
  private Redis subscriberClient;
  private RedisOps ops;
  private final WebhookSettings webhookSettings;
  private RedisWebhookStore webhookStore;
  private Subscriber subscriber;
  private RedisHealth health;
  private PresenceKeeper presence;
  private Resync resync;
  private IdleRooms idleRooms;

  public RedisBroker(Vertx vertx, NodeSettings node, RedisSettings redis, RoomSettings rooms, Metrics metrics,
      RoomEvents events) {
    this(vertx, node, redis, rooms, metrics, events, null);
  }

  /** @param webhooks which events to record for delivery as webhooks; null (or disabled): none */
  public RedisBroker(Vertx vertx, NodeSettings node, RedisSettings redis, RoomSettings rooms, Metrics metrics,
      RoomEvents events, WebhookSettings webhooks) {
    this.webhookSettings = webhooks != null && webhooks.enabled() ? webhooks : null;
    this.vertx = vertx;
    this.node = node;
    this.redis = redis;
    this.roomSettings = rooms;
    this.metrics = metrics;
    this.events = events;
    this.mode = redis.mode();
    this.keys = new RedisKeys(redis.prefix(), node.nodeId(), mode == RedisMode.CLUSTER);
    this.lanes = new Lanes(node.bridgeTimeoutMs());
    this.backfill = new Backfill(events, metrics, (room, id, inclusive) -> ops.read(room, id, inclusive), local::has);
  }

  @Override
  public Future<Void> start() {
    // reading the scripts from the jar is file I/O: not on the event loop
    return vertx.executeBlocking(() -> {
      Script.loadAll();
      return null;
    }).map(v -> {
      openClients(redis.urls());
      ops = new RedisOps(commands, keys, roomSettings, redis, node.nodeId(), mode == RedisMode.CLUSTER,
          webhookSettings);
      if (webhookSettings != null) {
        webhookStore = new RedisWebhookStore(ops::redis, keys, node.nodeId());
      }
      subscriber = new Subscriber(vertx, redis, node, keys, () -> subscriberClient,
          new Backoff(redis.reconnectMinMs(), redis.reconnectMaxMs(),
              bound -> ThreadLocalRandom.current().nextLong(bound + 1)),
          this, metrics);
      health = new RedisHealth(vertx, metrics, redis.pingIntervalMs(), ops::roomCount,
          mode == RedisMode.CLUSTER ? new ClusterHealth(vertx, redis.urls(), redis.pingIntervalMs()) : null,
          new RedisHealth.Cluster() {
            @Override
            public void fellSilent() {
              subscriber.reconnect("the cluster does not answer");
            }

            @Override
            public void answersAgain(List<String> masters) {
              openClients(masters);
              subscriber.connectNow("the cluster answers again");
            }
          });
      presence = new PresenceKeeper(vertx, node, ops, local, lanes, this::ready);
      resync = new Resync(vertx, node.bridgeTimeoutMs(), ops, subscriber, backfill, presence, local);
      idleRooms = new IdleRooms(vertx, roomSettings, ops, this::ready);
      health.start();
      presence.start();
      idleRooms.start();
      LOG.info("Redis broker, {} mode, at {} (prefix '{}'), connecting", mode.label(), redis.urlForLogs(),
          redis.prefix());
      // deployed does not mean ready: readiness follows the subscription, which may come later (Redis still down)
      subscriber.start();
      return null;
    });
  }

  /**
   * Creates the command client (a pool) and the subscriber's client for {@code urls}, closing the ones before: in
   * cluster mode they are made afresh, seeded with the masters that answer, after an outage (a cluster client keeps
   * asking a frozen node otherwise).
   */
  private void openClients(List<String> urls) {
    Redis oldCommands = commands;
    Redis oldSubscriber = subscriberClient;
    RedisOptions options = new RedisOptions().setMaxWaitingHandlers(4096);
    if (mode == RedisMode.CLUSTER) {
      options.setType(RedisClientType.CLUSTER);
      urls.forEach(options::addConnectionString);
    } else {
      options.setConnectionString(urls.get(0));
    }
    commands = Redis.createClient(vertx, new RedisOptions(options)
        .setMaxPoolSize(redis.poolSize())
        // bursts of sends from many sessions queue here instead of failing with ConnectionPoolTooBusy
        .setMaxPoolWaiting(4096)
        .setPoolName("roomcast-redis-" + node.nodeId()));
    subscriberClient = Redis.createClient(vertx, new RedisOptions(options).setMaxPoolSize(1)
        .setPoolName("roomcast-redis-sub-" + node.nodeId()));
    if (ops != null) {
      ops.use(commands);
    }
    if (oldCommands != null) {
      oldCommands.close();
      oldSubscriber.close();
    }
  }

  /**
   * Stops after the room lanes drained (bounded) and this node released its presence entries, so other nodes'
   * clients get their leaves now rather than after the presence TTL.
   */
  @Override
  public Future<Void> stop() {
    if (subscriber == null) {
      return Future.succeededFuture();
    }
    health.stop();
    presence.stop();
    idleRooms.stop();
    Promise<Void> lanesDrained = Promise.promise();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(node.bridgeTimeoutMs());
    vertx.setPeriodic(20, t -> {
      if (lanes.isEmpty() || System.nanoTime() > deadline) {
        vertx.cancelTimer(t);
        lanesDrained.complete();
      }
    });
    return Future.all(subscriber.stop(), lanesDrained.future())
        .compose(v -> ops.release(node.nodeId()).timeout(node.bridgeTimeoutMs(), TimeUnit.MILLISECONDS))
        .onSuccess(n -> LOG.info("released {} presence entries of this node", n))
        .onFailure(e -> LOG.warn("presence not released ({}); other nodes expire it after {} s", e.toString(),
            node.presenceTtlSeconds()))
        // a node stops cleanly even with Redis gone: its presence then expires on the other nodes
        .otherwiseEmpty()
        .eventually(() -> Future.all(commands.close(), subscriberClient.close()).otherwiseEmpty())
        .mapEmpty();
  }

  @Override
  public WebhookStore webhooks() {
    return webhookStore;
  }

  @Override
  public boolean ready() {
    return subscriber != null && subscriber.ready() && health.answering() && resync.synced();
  }

  // ---- the subscriber's events ----

  @Override
  public void onReady(boolean again) {
    if (again) {
      metrics.redisReconnected();
    }
    RedisOps.preload(commands).onFailure(e -> LOG.debug("script preload failed: {}", e.toString()));
    resync.subscribed();
  }

  @Override
  public void onLost(String reason) {
    // whatever the rooms with local members receive from now waits for the backfill after the resubscription
    resync.lost();
  }

  /**
   * A room event from any node (this one included): forward its frame, as received, to the local gateways. Only
   * payloads a node would have published pass ({@link PubSubPayload#decode}); and since a message id sets how far
   * every session of the room has read, an id from beyond Redis' own clock is not believed: it is forwarded only if
   * the stream holds it. (One that slips under the margin is caught by {@link Backfill}: the real messages after it
   * arrive with older ids.)
   */
  @Override
  public void onRoomEvent(String channel, Buffer payload) {
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
      long redisNow = System.currentTimeMillis() + presence.redisClockOffsetMs();
      if (event.messageId().millis() > redisNow + CLOCK_MARGIN_MS) {
        MALFORMED.info("room {}: a message id from the future ({}); checking the stream", room, event.messageId());
        backfill.forwardDoubtful(room, event);
        return;
      }
      metrics.pubsubLag(event.messageId().millis());
    }
    backfill.forward(room, event);
  }

  /** A room was created or deleted (on any node): every local client hears of it. */
  @Override
  public void onRoomListChange(String channel, String room) {
    metrics.pubsubReceived();
    if (!Names.isValidRoom(room)) {
      metrics.pubsubMalformed();
      return;
    }
    boolean deleted = channel.equals(keys.deletedRoomChannel());
    events.toAll(RoomEvent.room(deleted ? ServerFrames.roomDeleted(room) : ServerFrames.roomCreated(room)));
  }

  // ---- requests ----

  @Override
  public Future<Boolean> create(String room, String quota) {
    return refused(ops.create(room, quota, null));
  }

  @Override
  public Future<List<String>> rooms() {
    return refused(ops.rooms());
  }

  /**
   * Joins once this node hears the room: the position is read after that (in the join script), so every message
   * stored after it reaches the member.
   */
  @Override
  public Future<Membership> join(String room, String user, String session, String quota) {
    LocalPresence.Added added = local.add(room, user, session);
    metrics.localRooms(local.roomCount());
    long deadline = lanes.deadline(System.nanoTime());
    Future<Void> heard = added.firstInRoom() ? hear(room) : subscriber.subscribe(room);
    Future<Membership> joined = heard.timeout(node.bridgeTimeoutMs(), TimeUnit.MILLISECONDS)
        .compose(v -> lanes.run(room, deadline, () -> added.firstOfUser()
            ? ops.join(room, user, quota) : ops.joinAgain(room, user)));
    return refused(joined.onFailure(e -> forget(room, user, session)));
  }

  /**
   * A room got its first local member: from now on this node must not miss its messages. In pattern mode they flow
   * already, and a later backfill starts at the newest stored now. In the per-room modes the newest stored id is read
   * first, then the room is subscribed; once Redis confirmed, a backfill from that id delivers what came in between
   * (live messages wait for it, and ids already delivered are skipped).
   */
  private Future<Void> hear(String room) {
    if (!mode.perRoom()) {
      ops.newest(room).onSuccess(newest -> backfill.heardFrom(room, newest));
      return subscriber.subscribe(room);
    }
    backfill.holdLive(List.of(room));
    return ops.newest(room).compose(newest -> subscriber.subscribe(room).map(newest))
        .onSuccess(newest -> {
          backfill.startFrom(room, newest);
          backfill.backfillRoom(room, false);
        })
        .onFailure(e -> backfill.stopHolding(room))   // the joins fail and their sessions leave
        .mapEmpty();
  }

  /** 0-0 is a node's own position, never one a join gave: a resume from it is not recovered. */
  @Override
  public Future<List<StoredMessage>> recover(String room, MessageId since) {
    return since.isZero() ? Future.succeededFuture(null) : refused(ops.after(room, since));
  }

  /** Leaves always succeed here: Redis is updated now, or by the reconciliation after the next (re)subscription. */
  @Override
  public Future<Void> leave(String room, String user, String session) {
    forget(room, user, session);
    return Future.succeededFuture();
  }

  /** Drops a session; Redis hears when it was the user's last in the room, the subscriber when it was the room's. */
  private void forget(String room, String user, String session) {
    LocalPresence.Removed removed = local.remove(room, user, session);
    if (removed == null) {
      return;
    }
    if (removed.lastOfUser() && ready()) {
      lanes.run(room, Lanes.NO_DEADLINE, () -> ops.leave(node.nodeId(), room, user))
          .onFailure(e -> LOG.debug("leave not recorded in Redis yet: {}", e.toString()));
    }
    if (removed.roomEmpty()) {
      backfill.roomLeft(room);
      subscriber.release(room);
      metrics.localRooms(local.roomCount());
    }
  }

  @Override
  public Future<String> publish(String room, String user, String text, String key) {
    long arrived = System.nanoTime();
    return refused(lanes.run(room, lanes.deadline(arrived), () -> ops.publish(room, user, text, key))
        .onSuccess(id -> {
          metrics.publishLatency(System.nanoTime() - arrived);
          idleRooms.touch(room);
        }));
  }

  @Override
  public Future<List<StoredMessage>> history(String room, MessageId before, int limit) {
    return refused(ops.history(room, before, limit));
  }

  @Override
  public Future<List<String>> members(String room) {
    return refused(ops.members(room));
  }

  @Override
  public void typing(String room, String user) {
    ops.typing(room, user);
  }

  @Override
  public Future<Boolean> connect(String user, int max) {
    return refused(presence.admit(user, max));
  }

  /** Counted here at once; in Redis now, or by the reconciliation after the next (re)subscription. */
  @Override
  public void disconnect(String user) {
    if (local.closed(user) && ready()) {
      ops.disconnect(user).onFailure(e -> LOG.debug("disconnect not recorded in Redis yet: {}", e.toString()));
    }
  }

  private <T> Future<T> refused(Future<T> f) {
    return f.recover(e -> {
      Refused refusal = ops.refusal(e);
      if (refusal.code() == io.roomcast.protocol.ErrorCode.UNAVAILABLE) {
        LOG.debug("Redis request failed: {}", e.toString());
      }
      return Future.failedFuture(refusal);
    });
  }
}
