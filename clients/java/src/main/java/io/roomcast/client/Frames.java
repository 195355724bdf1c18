package io.roomcast.client;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionException;

/** The protocol's frames as the client reads and writes them: one place for the JSON, tolerant of what it lacks. */
final class Frames {
  private Frames() {}

  /** A request frame of {@code type} (about {@code room}, unless null); the ref is added when it is sent. */
  static JsonObject frame(String type, String room) {
    JsonObject f = new JsonObject();
    f.addProperty("type", type);
    if (room != null) {
      f.addProperty("room", room);
    }
    return f;
  }

  static Message message(String room, JsonObject f) {
    JsonElement ts = f.get("ts");
    return new Message(room, str(f, "id"), str(f, "user"), str(f, "text"),
        ts != null && ts.isJsonPrimitive() ? ts.getAsLong() : 0L);
  }

  static String str(JsonObject f, String field) {
    JsonElement e = f.get(field);
    return e != null && e.isJsonPrimitive() ? e.getAsString() : null;
  }

  static boolean bool(JsonObject f, String field) {
    JsonElement e = f.get(field);
    return e != null && e.isJsonPrimitive() && e.getAsBoolean();
  }

  static List<String> strings(JsonArray a) {
    List<String> out = new ArrayList<>();
    if (a != null) {
      a.forEach(e -> out.add(e.getAsString()));
    }
    return Collections.unmodifiableList(out);
  }

  /** A failure as the app sees it: a {@link RoomcastException}, unwrapped from a completion. */
  static RoomcastException asRoomcast(Throwable t) {
    Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    return c instanceof RoomcastException ? (RoomcastException) c : new RoomcastException("internal", c.toString());
  }
}
