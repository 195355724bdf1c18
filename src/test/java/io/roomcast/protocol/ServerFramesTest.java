package io.roomcast.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ServerFramesTest {

  @Test
  @DisplayName("a message event carries room, id, user, text and ts, with the text as literal JSON string data")
  void messageEvent() {
    String text = "<script>alert(\"x\")</script> \u00e9\uD83D\uDE00 \\ \n";
    JsonObject f = new JsonObject(ServerFrames.message("lobby", new StoredMessage("5-1", "ann", text, 5L)));
    assertThat(f).isEqualTo(new JsonObject().put("type", "message").put("room", "lobby").put("id", "5-1")
        .put("user", "ann").put("text", text).put("ts", 5L));
  }

  @Test
  @DisplayName("replies echo ref only when the request had one")
  void refEchoedOnlyWhenGiven() {
    assertThat(new JsonObject(ServerFrames.pong("abc")).getString("ref")).isEqualTo("abc");
    assertThat(new JsonObject(ServerFrames.pong(null)).containsKey("ref")).isFalse();
    JsonObject err = new JsonObject(ServerFrames.error(ErrorCode.NOT_JOINED, "join first", "7"));
    assertThat(err).isEqualTo(new JsonObject().put("type", "error").put("code", "not_joined")
        .put("message", "join first").put("ref", "7"));
    assertThat(new JsonObject(ServerFrames.error(ErrorCode.BAD_JSON, "bad", null)).containsKey("ref")).isFalse();
  }

  @Test
  @DisplayName("welcome (with the extensions spoken), joined (with its position), history and presence have the protocol's fields")
  void shapes() {
    assertThat(new JsonObject(ServerFrames.welcome("ann", "s1", "n1", ServerFrames.FEATURES))).isEqualTo(new JsonObject()
        .put("type", "welcome").put("user", "ann").put("session", "s1").put("node", "n1").put("protocol", 1)
        .put("features", new JsonArray().add("position")));
    assertThat(new JsonObject(ServerFrames.joined("r", "lobby", List.of("ann", "bob"), false, new MessageId(0, 42))))
        .isEqualTo(new JsonObject().put("type", "joined").put("ref", "r").put("room", "lobby")
            .put("members", new JsonArray().add("ann").add("bob")).put("recovered", false).put("last", "0-42"));
    assertThat(new JsonObject(ServerFrames.joined(null, "lobby", List.of(), true, new MessageId(5, 1)))
        .getString("last")).isEqualTo("5-1");
    assertThat(new JsonObject(ServerFrames.joined(null, "lobby", List.of(), false, null)).containsKey("last"))
        .as("a repeated join answered while the first is on its way").isFalse();
    JsonObject h = new JsonObject(ServerFrames.history(null, "lobby",
        List.of(new StoredMessage("1-0", "a", "x", 1), new StoredMessage("2-0", "b", "y", 2))));
    assertThat(h.getJsonArray("messages").stream().map(o -> ((JsonObject) o).getString("id")))
        .containsExactly("1-0", "2-0");
    assertThat(new JsonObject(ServerFrames.presence("lobby", false, "bob"))).isEqualTo(new JsonObject()
        .put("type", "presence").put("room", "lobby").put("event", "leave").put("user", "bob"));
    assertThat(new JsonObject(ServerFrames.roomCreated("new"))).isEqualTo(new JsonObject()
        .put("type", "room").put("room", "new").put("event", "created"));
  }

  @Test
  @DisplayName("the message template joined around an id and ts is the same JSON as the message event")
  void messageTemplate() {
    String text = "say \"hi\" \\ <b> \u00e9\uD83D\uDE00\n";
    ServerFrames.MessageTemplate t = ServerFrames.messageTemplate("lobby", "ann", text);
    String joined = t.head() + "1700000000000-3" + t.middle() + "1700000000000" + "}";
    assertThat(new JsonObject(joined)).isEqualTo(new JsonObject(
        ServerFrames.message("lobby", new StoredMessage("1700000000000-3", "ann", text, 1700000000000L))));
  }
}
