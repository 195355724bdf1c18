package io.roomcast.gateway;

import io.roomcast.ops.Metrics;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * One gateway instance's batch of unflushed connections: each socket written to since the last batch is flushed, and
 * pays its system call, once, however many frames it got. Used from the instance's event loop only.
 */
final class FlushBatch {
  private final Vertx vertx;
  private final Context context;
  private final Metrics metrics;
  /** The live {@code writeDelayMs}. */
  private final IntSupplier writeDelayMs;
  private final List<SessionOutput> unflushed = new ArrayList<>();
  private final Handler<Void> flushAll = v -> flushAll();
  /** {@link #flushAll} as a timer's handler, for a write delay. */
  private final Handler<Long> flushAllLater = t -> flushAll();

  FlushBatch(Vertx vertx, Context context, Metrics metrics, IntSupplier writeDelayMs) {
    this.vertx = vertx;
    this.context = context;
    this.metrics = metrics;
    this.writeDelayMs = writeDelayMs;
  }

  /**
   * Flushes {@code output} at the end of the current batch: every task the event loop already has queued (room
   * events, replies) runs first. With a write delay, the batch is everything this event loop writes for
   * {@code writeDelayMs} from its first write: one timer per event loop, not per connection, and each connection still
   * flushed once.
   */
  void flushLater(SessionOutput output) {
    if (unflushed.isEmpty()) {
      int delay = writeDelayMs.getAsInt();
      if (delay > 0) {
        vertx.setTimer(delay, flushAllLater);
      } else {
        context.runOnContext(flushAll);
      }
    }
    unflushed.add(output);
  }

  private void flushAll() {
    // counted first: once a client has what a flush sent, the count includes it
    metrics.socketFlushes(unflushed.size());
    for (int i = 0; i < unflushed.size(); i++) {
      unflushed.get(i).flush();
    }
    unflushed.clear();
  }
}
