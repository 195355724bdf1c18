package io.roomcast.client;

import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.WebSocket;

/**
 * Request correlation: each request gets a fresh {@code ref}, its reply (or its {@code error}) completes it, and one
 * that gets no reply in time fails with {@code timeout}. Used on the client's loop only.
 */
final class Requests {
  private final ScheduledExecutorService loop;
  private final Map<String, Pending> pending = new HashMap<>();
  private int nextRef = 1;

  Requests(ScheduledExecutorService loop) {
    this.loop = loop;
  }

  /** Sends {@code frame} on {@code ws} with a new ref; the future completes on the loop with the reply. */
  CompletableFuture<JsonObject> send(WebSocket ws, JsonObject frame, Duration timeout) {
    CompletableFuture<JsonObject> reply = new CompletableFuture<>();
    String ref = Integer.toString(nextRef++);
    frame.addProperty("ref", ref);
    String type = Frames.str(frame, "type");
    ScheduledFuture<?> timer = loop.schedule(() -> {
      Pending p = pending.remove(ref);
      if (p != null) {
        p.reply.completeExceptionally(new RoomcastException("timeout",
            "no reply to " + type + " within " + timeout.toMillis() + " ms"));
      }
    }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    pending.put(ref, new Pending(reply, timer));
    ws.send(frame.toString());
    return reply;
  }

  /** Completes the request {@code ref} names with frame {@code f}; false when none waits for it. */
  boolean answer(String ref, JsonObject f) {
    Pending p = ref == null ? null : pending.remove(ref);
    if (p == null) {
      return false;
    }
    p.timer.cancel(false);
    if ("error".equals(Frames.str(f, "type"))) {
      p.reply.completeExceptionally(new RoomcastException(Frames.str(f, "code"), Frames.str(f, "message")));
    } else {
      p.reply.complete(f);
    }
    return true;
  }

  /** Fails every request waiting for a reply (sends among them stay queued: they are retried). */
  void drop(RoomcastException why) {
    List<Pending> waiting = new ArrayList<>(pending.values());
    pending.clear();
    for (Pending p : waiting) {
      p.timer.cancel(false);
      p.reply.completeExceptionally(why);
    }
  }

  private static final class Pending {
    final CompletableFuture<JsonObject> reply;
    final ScheduledFuture<?> timer;

    Pending(CompletableFuture<JsonObject> reply, ScheduledFuture<?> timer) {
      this.reply = reply;
      this.timer = timer;
    }
  }
}
