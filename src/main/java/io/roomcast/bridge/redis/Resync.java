package io.roomcast.bridge.redis;

import io.vertx.core.Vertx;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Catching up after the subscription was lost: until the node has synced again it is not ready, and what the rooms with
 * local members receive meanwhile waits ({@link Backfill#subscriptionLost}). After a (re)subscription it reads Redis'
 * data epoch (a new one means Redis lost its data), then backfills the rooms' gaps and reconciles this node's presence.
 * A Redis that does not answer yet is asked again a few times; then the subscription is made anew.
 */
final class Resync {
  private static final Logger LOG = LoggerFactory.getLogger(RedisBroker.class);   // a part of the broker, logged as it
  private static final int ATTEMPTS = 10;

  private final Vertx vertx;
  private final long timeoutMs;
  private final RedisOps ops;
  private final Subscriber subscriber;
  private final Backfill backfill;
  private final PresenceKeeper presence;
  private final LocalPresence local;
  private boolean synced;
  /** Redis' data epoch as last read; null before the first sync. */
  private String epoch;

  Resync(Vertx vertx, long timeoutMs, RedisOps ops, Subscriber subscriber, Backfill backfill,
      PresenceKeeper presence, LocalPresence local) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
    this.ops = ops;
    this.subscriber = subscriber;
    this.backfill = backfill;
    this.presence = presence;
    this.local = local;
  }

  /** Whether the node caught up after its last subscription. */
  boolean synced() {
    return synced;
  }

  /** The subscription is lost: not synced until the next one is made and caught up. */
  void lost() {
    synced = false;
    backfill.subscriptionLost(local.rooms());
  }

  /** The subscription is (again) in place: catch up. */
  void subscribed() {
    sync(0);
  }

  private void sync(int attempt) {
    String candidate = Long.toString(ThreadLocalRandom.current().nextLong(Long.MAX_VALUE), 36);
    ops.epoch(candidate).timeout(timeoutMs, TimeUnit.MILLISECONDS).onComplete(ar -> {
      if (!subscriber.ready()) {
        return;   // lost again meanwhile: the next subscription syncs
      }
      if (ar.failed()) {
        if (attempt < ATTEMPTS) {
          vertx.setTimer(200, t -> sync(attempt + 1));
        } else {
          subscriber.reconnect("Redis does not answer after the subscription (" + ar.cause().getMessage() + ")");
        }
        return;
      }
      String now = ar.result();
      boolean dataLost = epoch != null && !epoch.equals(now);
      String before = epoch;
      epoch = now;
      synced = true;
      presence.heartbeat();
      presence.reconcile();
      int rooms = backfill.afterSync(dataLost);
      if (dataLost) {
        LOG.warn("Redis lost its data (epoch {} is now {}): the connections of {} rooms with local members are asked "
            + "to resume", before, now, rooms);
      }
    });
  }
}
