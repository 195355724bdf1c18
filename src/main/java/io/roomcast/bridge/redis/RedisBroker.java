package io.roomcast.bridge.redis;

import io.roomcast.bridge.Broker;
import io.roomcast.bus.Refused;
import io.roomcast.bridge.RoomEvents;
import io.roomcast.bridge.RoomExpiry;
import io.roomcast.bus.RoomEvent;
import io.roomcast.config.ChatConfig;
import io.roomcast.config.RedisMode;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker that shares rooms through Redis, in any {@link RedisMode}: rooms, history, idempotency keys and presence
 * live in Redis ({@link RedisKeys}), and events reach every node that serves a room through Redis pub/sub. Its parts:
 * {@link RedisOps} (the commands and scripts), {@link Subscriber} (the pub/sub connection), {@link Backfill} (in-order,
 * once-only forwarding and gap filling), {@link LocalPresence} (what this node holds, reconciled with Redis after an
 * outage), {@link Lanes} (per-room order of writes) and, for a cluster, {@link ClusterHealth}.
 *
 * <p>Readiness: the subscription is in place and Redis answered the last health check. While not ready, the bridge
 * refuses requests with {@code unavailable} without touching Redis, so a refused request changed nothing; leaves and
 * disconnects are taken (this node forgets at once) and written to Redis by the reconciliation when it is back.
 */
public final class RedisBroker implements Broker, Subscriber.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(RedisBroker.class);
  /**
   * Message ids are Redis' clock at storage; one later than Redis' clock (as this node measures it, to within this
   * margin) cannot be a stored message, and is forwarded only once the stream shows it. A real one flagged by a badly
   * measured clock only waits for that read.
   */
  private static final long CLOCK_MARGIN_MS = 250;
  private static final ThrottledLog MALFORMED = new ThrottledLog(LOG, 10_000);

  private final Vertx vertx;
  private final ChatConfig config;
  private final Metrics metrics;
  private final RoomEvents events;
  private final RedisMode mode;
  private final RedisKeys keys;
  private final LocalPresence local = new LocalPresence();
  private final Lanes lanes;
  private final Backfill backfill;
  /** room -> when this node last recorded the room's activity (epoch ms), so a busy room costs one write a while. */
  private final Map<String, Long> touched = new HashMap<>();
  private final long touchEveryMs;

  private Redis commands;
  private Redis subscriberClient;
  private RedisOps ops;
  private Subscriber subscriber;
  private ClusterHealth health;
  private boolean answering = true;
  /** Whether the node caught up after its (re)subscription: data epoch read, gaps being backfilled. */
  private boolean synced;
  /** Cluster mode: the clients may hold a stale view of the cluster (an outage happened): make fresh ones. */
  private boolean stale;
  /** Admissions sent to Redis and not answered yet. */
  private int connecting;
  private boolean stopping;
  /** A cluster health check is on its way. */
  private boolean checking;
  private long pingTimer = -1;
  /** Health checks failed in a row; {@link #MISSED_CHECKS} of them make the node not ready. */
  private int missedChecks;
  private static final int MISSED_CHECKS = 2;
  private long heartbeatTimer = -1;
  private long expiryTimer = -1;
  /** Redis' clock minus this node's, measured by every heartbeat (TIME). */
  private long redisClockOffsetMs;
  /** Redis' data epoch as last seen; a new one means Redis lost its data (restart without persistence). */
  private String epoch;

  public RedisBroker(Vertx vertx, ChatConfig config, Metrics metrics, RoomEvents events) {
    this.vertx = vertx;
    this.config = config;
    this.metrics = metrics;
    this.events = events;
    this.mode = config.redisTopology();
    this.keys = new RedisKeys(config.redisPrefix(), config.nodeId(), mode == RedisMode.CLUSTER);
    this.lanes = new Lanes(config.bridgeTimeoutMs());
    this.backfill = new Backfill(events, metrics, (room, id, inclusive) -> ops.read(room, id, inclusive), local::has);
    this.touchEveryMs = Math.max(100, Math.min(60_000, config.roomIdleExpirySeconds() * 1000L / 20));
  }

  @Override
  public Future<Void> start() {
    // reading the scripts from the jar is file I/O: not on the event loop
    return vertx.executeBlocking(() -> {
      Script.loadAll();
      return null;
    }).map(v -> {
      openClients(config.redisUrls());
      ops = new RedisOps(commands, keys, config, mode == RedisMode.CLUSTER);
      subscriber = new Subscriber(vertx, mode, keys, () -> subscriberClient,
          new Backoff(config.redisReconnectMinMs(), config.redisReconnectMaxMs(),
              bound -> ThreadLocalRandom.current().nextLong(bound + 1)),
          this, metrics, config.redisUnsubscribeGraceSeconds() * 1000L, config.bridgeTimeoutMs(), config.nodeId());
      if (mode == RedisMode.CLUSTER) {
        health = new ClusterHealth(vertx, config.redisUrls(), config.redisPingIntervalMs());
      }
      pingTimer = vertx.setPeriodic(config.redisPingIntervalMs(), id -> ping());
      heartbeatTimer = vertx.setPeriodic(Math.max(500, config.presenceTtlSeconds() * 1000L / 3), id -> heartbeat());
      if (config.roomIdleExpirySeconds() > 0) {
        expiryTimer = vertx.setPeriodic(RoomExpiry.sweepIntervalMs(config.roomIdleExpirySeconds()),
            id -> expireRooms());
      }
      LOG.info("Redis broker, {} mode, at {} (prefix '{}'), connecting", mode.label(), config.redisUrlForLogs(),
          config.redisPrefix());
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
        .setMaxPoolSize(config.redisPoolSize())
        // bursts of sends from many sessions queue here instead of failing with ConnectionPoolTooBusy
        .setMaxPoolWaiting(4096)
        .setPoolName("roomcast-redis-" + config.nodeId()));
    subscriberClient = Redis.createClient(vertx, new RedisOptions(options).setMaxPoolSize(1)
        .setPoolName("roomcast-redis-sub-" + config.nodeId()));
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
    stopping = true;
    vertx.cancelTimer(pingTimer);
    vertx.cancelTimer(heartbeatTimer);
    vertx.cancelTimer(expiryTimer);
    if (subscriber == null) {
      return Future.succeededFuture();
    }
    Promise<Void> lanesDrained = Promise.promise();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.bridgeTimeoutMs());
    vertx.setPeriodic(20, t -> {
      if (lanes.isEmpty() || System.nanoTime() > deadline) {
        vertx.cancelTimer(t);
        lanesDrained.complete();
      }
    });
    return Future.all(subscriber.stop(), lanesDrained.future())
        .compose(v -> ops.release(config.nodeId()).timeout(config.bridgeTimeoutMs(), TimeUnit.MILLISECONDS))
        .onSuccess(n -> LOG.info("released {} presence entries of this node", n))
        .onFailure(e -> LOG.warn("presence not released ({}); other nodes expire it after {} s", e.toString(),
            config.presenceTtlSeconds()))
        // a node stops cleanly even with Redis gone: its presence then expires on the other nodes
        .otherwiseEmpty()
        .eventually(() -> {
          if (health != null) {
            health.close();
          }
          return Future.all(commands.close(), subscriberClient.close()).otherwiseEmpty();
        })
        .mapEmpty();
  }

  @Override
  public boolean ready() {
    return subscriber != null && subscriber.ready() && answering && synced;
  }

  // ---- the subscriber's events ----

  @Override
  public void onReady(boolean again) {
    if (again) {
      metrics.redisReconnected();
    }
    RedisOps.preload(commands).onFailure(e -> LOG.debug("script preload failed: {}", e.toString()));
    sync(0);
  }

  /**
   * Catches up after a (re)subscription, before the node calls itself ready: reads Redis' data epoch (a new one means
   * Redis lost its data), then backfills the rooms' gaps and reconciles this node's presence. A Redis that does not
   * answer yet is asked again a few times; then the subscription is made anew.
   */
  private void sync(int attempt) {
    String candidate = Long.toString(ThreadLocalRandom.current().nextLong(Long.MAX_VALUE), 36);
    ops.epoch(candidate).timeout(config.bridgeTimeoutMs(), TimeUnit.MILLISECONDS).onComplete(ar -> {
      if (!subscriber.ready()) {
        return;   // lost again meanwhile: the next subscription syncs
      }
      if (ar.failed()) {
        if (attempt < 10) {
          vertx.setTimer(200, t -> sync(attempt + 1));
        } else {
          subscriber.reconnect("Redis does not answer after the subscription (" + ar.cause().getMessage() + ")");
        }
        return;
      }
      String now = ar.result();
      boolean lost = epoch != null && !epoch.equals(now);
      String before = epoch;
      epoch = now;
      synced = true;
      heartbeat();
      reconcile();
      int rooms = backfill.run(lost);
      if (lost) {
        LOG.warn("Redis lost its data (epoch {} is now {}): the connections of {} rooms with local members are asked "
            + "to resume", before, now, rooms);
      }
    });
  }

  @Override
  public void onLost(String reason) {
    synced = false;
    // whatever the rooms with local members receive from now waits for the backfill after the resubscription
    backfill.lost(local.rooms());
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
      long redisNow = System.currentTimeMillis() + redisClockOffsetMs;
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
    Future<Membership> joined = heard.timeout(config.bridgeTimeoutMs(), TimeUnit.MILLISECONDS)
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
      ops.newest(room).onSuccess(newest -> backfill.remember(room, newest));
      return subscriber.subscribe(room);
    }
    backfill.hold(List.of(room));
    return ops.newest(room).compose(newest -> subscriber.subscribe(room).map(newest))
        .onSuccess(newest -> {
          backfill.begin(room, newest);
          backfill.room(room, false);
        })
        .onFailure(e -> backfill.release(room))   // the joins fail and their sessions leave
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
      lanes.run(room, Lanes.NO_DEADLINE, () -> ops.leave(config.nodeId(), room, user))
          .onFailure(e -> LOG.debug("leave not recorded in Redis yet: {}", e.toString()));
    }
    if (removed.roomEmpty()) {
      backfill.forget(room);
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
          touch(room);
        }));
  }

  /** Records a room's activity for the idle sweep, at most once per {@code touchEveryMs} per room and node. */
  private void touch(String room) {
    if (config.roomIdleExpirySeconds() == 0) {
      return;
    }
    long now = System.currentTimeMillis();
    Long last = touched.get(room);
    if (last == null || now - last >= touchEveryMs) {
      touched.put(room, now);
      ops.touch(room).onFailure(e -> LOG.debug("activity not recorded: {}", e.toString()));
    }
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
    connecting++;
    return refused(ops.connect(user, max).onComplete(ar -> {
      connecting--;
      if (ar.succeeded() && ar.result()) {
        local.admitted(user);
      }
    }));
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

  // ---- upkeep ----

  /**
   * Checks that Redis answers (and refreshes the room count): a frozen Redis makes the node not ready. In cluster
   * mode every master is checked, and a subscription that lived through an outage is made again on a fresh connection
   * (a failover moved its shard channels to another node, and what was published meanwhile is only in the streams).
   */
  private void ping() {
    if (health == null) {
      ops.roomCount().timeout(config.redisPingIntervalMs(), TimeUnit.MILLISECONDS).onComplete(ar -> {
        if (ar.succeeded()) {
          metrics.rooms(ar.result());
        }
        answered(ar.succeeded(), ar.cause());
      });
      return;
    }
    if (checking) {
      return;
    }
    checking = true;
    health.check().onComplete(ar -> {
      checking = false;
      if (stopping) {
        return;
      }
      if (ar.succeeded() && stale) {
        stale = false;
        LOG.info("the cluster answers again; new clients seeded with its masters {}", ar.result());
        openClients(ar.result());
        subscriber.connectNow("the cluster answers again");
      }
      if (ar.succeeded()) {
        ops.roomCount().onSuccess(metrics::rooms);
      } else if (answering && missedChecks + 1 >= MISSED_CHECKS) {
        stale = true;
        subscriber.reconnect("the cluster does not answer");
      }
      answered(ar.succeeded(), ar.cause());
    });
  }

  /**
   * Takes a health check's outcome. Two checks in a row must fail before Redis counts as not answering: a single
   * slow answer on a busy machine is not an outage (a dead connection is noticed at once by its end handler anyway).
   */
  private void answered(boolean ok, Throwable cause) {
    missedChecks = ok ? 0 : missedChecks + 1;
    if (!ok && missedChecks < MISSED_CHECKS) {
      return;
    }
    if (!ok && answering) {
      LOG.warn("Redis does not answer ({}): not ready", cause.getMessage());
    } else if (ok && !answering) {
      LOG.info("Redis answers again");
    }
    answering = ok;
  }

  /**
   * Keeps this node's heartbeat alive and releases the presence of nodes whose heartbeat expired (crashed without a
   * goodbye): each such node is claimed by one node, which releases it.
   */
  private void heartbeat() {
    if (!ready()) {
      return;
    }
    long ttlMs = config.presenceTtlSeconds() * 1000L;
    long before = System.currentTimeMillis();
    ops.time().onSuccess(redisMs -> redisClockOffsetMs = redisMs - (before + System.currentTimeMillis()) / 2);
    ops.heartbeat(ttlMs)
        .compose(v -> ops.goneNodes())
        .onSuccess(gone -> {
          for (String node : gone) {
            if (node.equals(config.nodeId())) {
              continue;
            }
            ops.claimRelease(node, ttlMs).compose(mine -> mine ? ops.release(node) : Future.succeededFuture(-1))
                .onSuccess(n -> {
                  if (n >= 0) {
                    LOG.info("released {} presence entries of node {}, whose heartbeat expired", n, node);
                  }
                })
                .onFailure(e -> LOG.debug("release of node {} failed: {}", node, e.toString()));
          }
        })
        .onFailure(e -> LOG.debug("heartbeat failed: {}", e.toString()));
  }

  /** Deletes rooms idle for {@code roomIdleExpirySeconds}: every node runs the (idempotent) sweep. */
  private void expireRooms() {
    if (!ready()) {
      return;
    }
    long now = System.currentTimeMillis();
    touched.values().removeIf(t -> now - t >= touchEveryMs);
    ops.expireIdle(now - config.roomIdleExpirySeconds() * 1000L, 100)
        .onSuccess(n -> {
          if (n > 0) {
            LOG.info("deleted {} rooms that stayed empty and silent for {} s", n, config.roomIdleExpirySeconds());
          }
        })
        .onFailure(e -> LOG.debug("room expiry sweep failed: {}", e.toString()));
  }

  /**
   * Makes this node's presence in Redis match the connections it holds: adds what Redis lost (a restart without
   * persistence) and removes what was left behind (leaves that could not reach Redis); the same for its connection
   * counts.
   */
  private void reconcile() {
    String me = config.nodeId();
    ops.presenceIndex(me).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("presence reconciliation failed: {}", ar.cause().toString());
        return;
      }
      Set<String> inRedis = new HashSet<>(ar.result());
      int added = 0;
      int removed = 0;
      for (String field : local.fields()) {
        if (!inRedis.remove(field)) {
          int space = field.indexOf(' ');
          String room = field.substring(0, space);
          String user = field.substring(space + 1);
          lanes.run(room, Lanes.NO_DEADLINE, () -> ops.join(room, user, null))
              .onFailure(e -> LOG.debug("presence of {} not restored: {}", field, e.toString()));
          added++;
        }
      }
      for (String field : inRedis) {
        int space = field.indexOf(' ');
        if (space > 0) {
          String room = field.substring(0, space);
          String user = field.substring(space + 1);
          lanes.run(room, Lanes.NO_DEADLINE, () -> ops.leave(me, room, user))
              .onFailure(e -> LOG.debug("presence of {} not removed: {}", field, e.toString()));
          removed++;
        }
      }
      if (added + removed > 0) {
        LOG.info("presence reconciled with Redis: {} entries restored, {} removed", added, removed);
      }
    });
    correctConnections(0);
  }

  /**
   * Sets this node's connection counts in Redis to the connections it holds, once no admission is on its way (one in
   * flight may be counted in Redis and not yet here).
   */
  private void correctConnections(int attempt) {
    if (connecting > 0 && attempt < 50) {
      vertx.setTimer(20, t -> correctConnections(attempt + 1));
      return;
    }
    ops.correctConnections(local.connections()).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("connection counts not reconciled: {}", ar.cause().toString());
      } else if (ar.result() > 0) {
        LOG.info("connection counts reconciled with Redis: {} users corrected", ar.result());
      }
    });
  }
}
