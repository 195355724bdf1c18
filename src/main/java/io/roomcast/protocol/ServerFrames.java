package io.roomcast.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Encodes the server's frames (replies and events) of protocol v1 as UTF-8 JSON bytes. */
public final class ServerFrames {
  public static final int PROTOCOL_VERSION = 1;
  /**
   * The additive extensions of version 1 every node speaks, named in {@code welcome.features}: {@code position}
   * ({@code joined.last}). {@code hooks} and {@code webhooks} follow when they are configured.
   */
  public static final List<String> FEATURES = List.of("position");

  private ServerFrames() {}

  public static Buffer welcome(String user, String session, String node, List<String> features) {
    return new JsonObject().put("type", "welcome").put("user", user).put("session", session).put("node", node)
        .put("protocol", PROTOCOL_VERSION).put("features", new JsonArray(features)).toBuffer();
  }

  public static Buffer ok(String ref, String room) {
    return reply("ok", ref).put("room", room).toBuffer();
  }

  public static Buffer created(String ref, String room, boolean created) {
    return reply("ok", ref).put("room", room).put("created", created).toBuffer();
  }

  public static Buffer sent(String ref, String room, String id) {
    return reply("ok", ref).put("room", room).put("id", id).toBuffer();
  }

  public static Buffer rooms(String ref, List<String> rooms) {
    return reply("rooms", ref).put("rooms", new JsonArray(List.copyOf(rooms))).toBuffer();
  }

  /**
   * {@code last}: where the member's stream starts ({@code position}: a message id, or a room's position before every
   * id); null only for a repeated join answered while the first is still on its way, where it is left out.
   */
  public static Buffer joined(String ref, String room, List<String> members, boolean recovered, MessageId last) {
    JsonObject o = reply("joined", ref).put("room", room).put("members", new JsonArray(List.copyOf(members)))
        .put("recovered", recovered);
    if (last != null) {
      o.put("last", last.toString());
    }
    return o.toBuffer();
  }

  public static Buffer history(String ref, String room, List<StoredMessage> messages) {
    JsonArray list = new JsonArray();
    for (StoredMessage m : messages) {
      list.add(new JsonObject().put("id", m.id()).put("user", m.user()).put("text", m.text()).put("ts", m.ts()));
    }
    return reply("history", ref).put("room", room).put("messages", list).toBuffer();
  }

  public static Buffer members(String ref, String room, List<String> users) {
    return reply("members", ref).put("room", room).put("users", new JsonArray(List.copyOf(users))).toBuffer();
  }

  public static Buffer pong(String ref) {
    return reply("pong", ref).toBuffer();
  }

  public static Buffer error(ErrorCode code, String message, String ref) {
    JsonObject o = new JsonObject().put("type", "error").put("code", code.wire()).put("message", message);
    if (ref != null) {
      o.put("ref", ref);
    }
    return o.toBuffer();
  }

  public static Buffer message(String room, StoredMessage m) {
    return new JsonObject().put("type", "message").put("room", room).put("id", m.id()).put("user", m.user())
        .put("text", m.text()).put("ts", m.ts()).toBuffer();
  }

  /**
   * The message event split around its id and ts, for a broker that learns the id only when it stores the message:
   * the frame is {@code head + id + middle + ts + "}"}, the same JSON object as {@link #message} encodes.
   */
  public record MessageTemplate(String head, String middle) {}

  public static MessageTemplate messageTemplate(String room, String user, String text) {
    return new MessageTemplate(
        "{\"type\":\"message\",\"room\":" + Json.encode(room) + ",\"id\":\"",
        "\",\"user\":" + Json.encode(user) + ",\"text\":" + Json.encode(text) + ",\"ts\":");
  }

  public static Buffer presence(String room, boolean join, String user) {
    return new JsonObject().put("type", "presence").put("room", room).put("event", join ? "join" : "leave")
        .put("user", user).toBuffer();
  }

  public static Buffer typing(String room, String user) {
    return new JsonObject().put("type", "typing").put("room", room).put("user", user).toBuffer();
  }

  public static Buffer roomCreated(String room) {
    return new JsonObject().put("type", "room").put("room", room).put("event", "created").toBuffer();
  }

  /** A room that stayed empty and silent for {@code roomIdleExpirySeconds} was deleted with its history. */
  public static Buffer roomDeleted(String room) {
    return new JsonObject().put("type", "room").put("room", room).put("event", "deleted").toBuffer();
  }

  private static JsonObject reply(String type, String ref) {
    JsonObject o = new JsonObject().put("type", type);
    if (ref != null) {
      o.put("ref", ref);
    }
    return o;
  }
}
