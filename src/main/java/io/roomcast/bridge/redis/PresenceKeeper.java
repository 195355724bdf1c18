package io.roomcast.bridge.redis;

import io.roomcast.config.NodeSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's presence and connection counts in Redis true: its heartbeat (and, on the way, how far Redis'
 * clock is from this node's), the release of nodes whose heartbeat expired, and the reconciliation with what the node
 * holds ({@link LocalPresence}) after a (re)subscription.
 */
final class PresenceKeeper {
  private static final Logger LOG = LoggerFactory.getLogger(RedisBroker.class);   // a part of the broker, logged as it

  private final Vertx vertx;
  private final NodeSettings config;
  private final RedisOps ops;
  private final LocalPresence local;
  private final Lanes lanes;
  private final BooleanSupplier ready;
  private long timer = -1;
  /** Admissions on their way: one in flight may be counted in Redis and not yet here. */
  private int admitting;
  /** Redis' clock minus this node's, as the last heartbeat measured it. */
  private long redisClockOffsetMs;

  PresenceKeeper(Vertx vertx, NodeSettings config, RedisOps ops, LocalPresence local, Lanes lanes,
      BooleanSupplier ready) {
    this.vertx = vertx;
    this.config = config;
    this.ops = ops;
    this.local = local;
    this.lanes = lanes;
    this.ready = ready;
  }

  void start() {
    timer = vertx.setPeriodic(Math.max(500, config.presenceTtlSeconds() * 1000L / 3), id -> heartbeat());
  }

  void stop() {
    vertx.cancelTimer(timer);
  }

  long redisClockOffsetMs() {
    return redisClockOffsetMs;
  }

  /** Counts a connection of {@code user} across all nodes, unless the user holds {@code max} already. */
  Future<Boolean> admit(String user, int max) {
    admitting++;
    return ops.connect(user, max).onComplete(ar -> {
      admitting--;
      if (ar.succeeded() && ar.result()) {
        local.admitted(user);
      }
    });
  }

  /**
   * Keeps this node's heartbeat alive and releases the presence of nodes whose heartbeat expired (crashed without a
   * goodbye): each such node is claimed by one node, which releases it.
   */
  void heartbeat() {
    if (!ready.getAsBoolean()) {
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

  /**
   * Makes this node's presence in Redis match the connections it holds: adds what Redis lost (a restart without
   * persistence) and removes what was left behind (leaves that could not reach Redis); the same for its connection
   * counts.
   */
  void reconcile() {
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

  /** Sets this node's connection counts in Redis to the connections it holds, once no admission is on its way. */
  private void correctConnections(int attempt) {
    if (admitting > 0 && attempt < 50) {
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
