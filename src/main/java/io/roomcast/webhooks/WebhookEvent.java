package io.roomcast.webhooks;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One event waiting in its room's queue: where it sits there ({@code entry}, the store's position), its
 * {@code webhook-id} (made when it was recorded, the same on every attempt), its type, when it happened (epoch ms), its
 * room, its {@code data} as the spec lists it, and when it was put in the queue (epoch ms: when it happened, or when
 * it was replayed from the dead events), from which its retries are timed.
 */
public record WebhookEvent(String entry, String id, String type, long ts, String room, JsonObject data,
    long queuedMs) {

  /** The request body, the same bytes on every attempt: {@code {"type", "timestamp" (ISO 8601), "data"}}. */
  public Buffer body() {
    return new JsonObject().put("type", type).put("timestamp", Instant.ofEpochMilli(ts).toString()).put("data", data)
        .toBuffer();
  }

  /**
   * The event's data, from the fields a store keeps: {@code m} a message id, {@code u} a user, {@code t} a text,
   * {@code why} a reason and {@code until} a ban's end (epoch ms), as {@code type} uses them.
   */
  public static JsonObject data(String type, String room, long ts, String message, String user, String text,
      String why, String until) {
    JsonObject d = new JsonObject().put("room", room);
    switch (type) {
      case "message.created" -> d.put("id", message).put("user", user).put("text", text).put("ts", ts);
      case "message.deleted" -> d.put("id", message);
      case "member.joined", "member.left" -> d.put("user", user);
      case "member.removed" -> {
        d.put("user", user).put("reason", why == null ? "" : why);
        if (until != null && !until.isEmpty()) {
          d.put("until", Long.parseLong(until));
        }
      }
      default -> { }
    }
    return d;
  }
}
