package io.roomcast.bridge.redis;

import io.roomcast.bridge.RoomExpiry;
import io.roomcast.config.RoomSettings;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes rooms that stayed empty and silent for {@code roomIdleExpirySeconds} (every node runs the idempotent
 * sweep), and records each room's activity for it, at most once per {@code touchEveryMs} per room and node.
 */
final class IdleRooms {
  private static final Logger LOG = LoggerFactory.getLogger(RedisBroker.class);   // a part of the broker, logged as it

  private final Vertx vertx;
  private final RoomSettings config;
  private final RedisOps ops;
  private final BooleanSupplier ready;
  private final Map<String, Long> touched = new HashMap<>();
  private final long touchEveryMs;
  private long timer = -1;

  IdleRooms(Vertx vertx, RoomSettings config, RedisOps ops, BooleanSupplier ready) {
    this.vertx = vertx;
    this.config = config;
    this.ops = ops;
    this.ready = ready;
    this.touchEveryMs = Math.max(100, Math.min(60_000, config.roomIdleExpirySeconds() * 1000L / 20));
  }

  void start() {
    if (config.roomIdleExpirySeconds() > 0) {
      timer = vertx.setPeriodic(RoomExpiry.sweepIntervalMs(config.roomIdleExpirySeconds()), id -> sweep());
    }
  }

  void stop() {
    vertx.cancelTimer(timer);
  }

  /** A message was stored in {@code room}. */
  void touch(String room) {
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

  private void sweep() {
    if (!ready.getAsBoolean()) {
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
}
