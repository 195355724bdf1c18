package io.roomcast.bridge.redis;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Per-room lanes: the commands that change a room (publish, join, leave) run one at a time per room, so a room's
 * messages are stored in the order their requests arrived, whichever pooled connection carries them. Used from the
 * bridge's event loop only.
 */
final class Lanes {
  /** A deadline for operations that must run however long they wait (leaves, reconciliation). */
  static final long NO_DEADLINE = Long.MAX_VALUE;

  private final long timeoutMs;
  private final Map<String, Lane> lanes = new HashMap<>();

  /** @param timeoutMs the longest an operation may take once started (a frozen Redis must not hold a lane) */
  Lanes(long timeoutMs) {
    this.timeoutMs = timeoutMs;
  }

  /** A deadline {@code timeoutMs} after {@code arrivedNanos}. */
  long deadline(long arrivedNanos) {
    return arrivedNanos + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
  }

  boolean isEmpty() {
    return lanes.isEmpty();
  }

  /**
   * Runs {@code op} after the room's earlier operations completed or timed out. An operation whose deadline passed
   * before its turn is not run (its requester was already told {@code unavailable}).
   */
  <T> Future<T> run(String room, long deadlineNanos, Supplier<Future<T>> op) {
    Promise<T> promise = Promise.promise();
    Lane lane = lanes.computeIfAbsent(room, r -> new Lane());
    lane.queue.add(() -> {
      if (deadlineNanos != NO_DEADLINE && System.nanoTime() > deadlineNanos) {
        promise.fail("timed out waiting for earlier requests of the room");
        next(room, lane);
        return;
      }
      Future<T> f;
      try {
        f = op.get().timeout(timeoutMs, TimeUnit.MILLISECONDS);
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
