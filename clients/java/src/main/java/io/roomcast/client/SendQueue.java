package io.roomcast.client;

import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The ordered send queue: every send keeps its idempotency key until the server stored it or refused it for good. A
 * send caught by a disconnect goes out again after the reconnect; one answered {@code rate_limited},
 * {@code unavailable} or {@code timeout} turns the queue paced: one send at a time, spaced by a backoff, until it
 * drains. Used on the client's loop only.
 */
final class SendQueue {
  /** What the queue needs of its client. */
  interface Link {
    /** Whether sends may go out now (connected, welcomed and the rooms rejoined). */
    boolean mayTransmit();

    /** A request on the open connection; its future completes on the loop. */
    CompletableFuture<JsonObject> request(JsonObject frame, Duration timeout);

    /** Completes an app-facing future on the callback executor. */
    <T> void settle(CompletableFuture<T> f, T value, Throwable error);
  }

  private final ScheduledExecutorService loop;
  private final Duration requestTimeout;
  private final Link link;
  /** Sends not acknowledged yet, in the order they were made. */
  private final Map<String, PendingSend> sends = new LinkedHashMap<>();
  /** After a rate_limited, unavailable or timeout: sends go one at a time, spaced by a backoff, until the queue drains. */
  private boolean paced;
  private int sendFailures;
  private ScheduledFuture<?> sendRetry;

  SendQueue(ScheduledExecutorService loop, Duration requestTimeout, Link link) {
    this.loop = loop;
    this.requestTimeout = requestTimeout;
    this.link = link;
  }

  /** Queues a send of {@code text} to {@code room}; {@code done} gets its id once stored. */
  void add(String room, String text, CompletableFuture<String> done) {
    PendingSend s = new PendingSend(UUID.randomUUID().toString(), room, text, done);
    sends.put(s.key, s);
    if (link.mayTransmit() && !paced && sendRetry == null) {
      transmit(s);
    }
  }

  /** The rooms are rejoined on a new connection: what is not acknowledged goes out (one at a time while paced). */
  void resumed() {
    if (paced) {
      transmitNext();
    } else {
      sends.values().forEach(s -> {
        if (!s.transmitted) {
          transmit(s);
        }
      });
    }
  }

  /** Fails every send (the client stopped or closed). */
  void failAll(RoomcastException why) {
    List<PendingSend> all = new ArrayList<>(sends.values());
    sends.clear();
    paced = false;
    all.forEach(s -> link.settle(s.done, null, why));
  }

  /** Cancels a paced retry that waits. */
  void cancelRetry() {
    if (sendRetry != null) {
      sendRetry.cancel(false);
      sendRetry = null;
    }
  }

  private void transmit(PendingSend s) {
    s.transmitted = true;
    JsonObject frame = Frames.frame("send", s.room);
    frame.addProperty("text", s.text);
    frame.addProperty("key", s.key);
    link.request(frame, requestTimeout).whenComplete((reply, err) -> {
      if (sends.get(s.key) != s) {
        return;   // settled meanwhile (a reply from an earlier try)
      }
      if (err == null) {
        sends.remove(s.key);
        link.settle(s.done, Frames.str(reply, "id"), null);
        if (paced) {
          nextSendLater(false);   // keep the pace that worked until the queue drains
        }
        return;
      }
      RoomcastException e = Frames.asRoomcast(err);
      s.transmitted = false;
      switch (e.code()) {
        case "closed":
        case "offline":
          break;   // sent again after the reconnect
        case "rate_limited":
        case "unavailable":
        case "timeout":
          paced = true;
          nextSendLater(true);
          break;
        default:
          sends.remove(s.key);
          link.settle(s.done, null, e);
          if (paced) {
            transmitNext();
          }
      }
    });
  }

  /** Paced mode: the oldest unacknowledged send goes out alone; the next follows its ok. */
  private void transmitNext() {
    if (!link.mayTransmit() || sendRetry != null) {
      return;
    }
    for (PendingSend s : sends.values()) {
      if (s.transmitted) {
        return;   // one in flight already
      }
      transmit(s);
      return;
    }
    paced = false;   // drained
    sendFailures = 0;
  }

  /**
   * Paced mode: the next send goes out after a jittered delay that doubles with each refusal (0.25 s up to 5 s) and
   * stays at what worked until the queue drains, so a rate-limited client slows down instead of collecting strikes.
   */
  private void nextSendLater(boolean refused) {
    if (sendRetry != null) {
      return;   // sends refused together (pipelined before the first refusal came back) count once
    }
    if (refused) {
      sendFailures++;
    }
    long cap = Math.min(5000, 250L << Math.min(sendFailures, 10));
    long delay = cap / 2 + Reconnects.jitter(cap / 2);
    sendRetry = loop.schedule(() -> {
      sendRetry = null;
      transmitNext();
    }, delay, TimeUnit.MILLISECONDS);
  }

  private static final class PendingSend {
    final String key;
    final String room;
    final String text;
    final CompletableFuture<String> done;
    boolean transmitted;

    PendingSend(String key, String room, String text, CompletableFuture<String> done) {
      this.key = key;
      this.room = room;
      this.text = text;
      this.done = done;
    }
  }
}
