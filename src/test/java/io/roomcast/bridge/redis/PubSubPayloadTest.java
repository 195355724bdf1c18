package io.roomcast.bridge.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.bus.RoomEvent;
import io.roomcast.protocol.MessageId;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PubSubPayloadTest {
  @Test
  @DisplayName("what a node publishes decodes to the event, its frame exactly as clients get it")
  void roundTrip() {
    MessageId id = MessageId.parse("1700000000000-3");
    RoomEvent m = PubSubPayload.decode("lobby", PubSubPayload.message("lobby", "ann", "hi \"there\"", id));
    assertThat(m.kind()).isEqualTo(RoomEvent.Kind.MESSAGE);
    assertThat(m.messageId()).isEqualTo(id);
    assertThat(m.wire().toString(java.nio.charset.StandardCharsets.UTF_8)).contains("\"text\":\"hi \\\"there\\\"\"");
    RoomEvent p = PubSubPayload.decode("lobby", PubSubPayload.presence("lobby", true, "bob"));
    assertThat(p.kind()).isEqualTo(RoomEvent.Kind.PRESENCE);
    assertThat(p.exceptUser()).isEqualTo("bob");
    assertThat(PubSubPayload.decode("lobby", PubSubPayload.typing("lobby", "cy")).kind())
        .isEqualTo(RoomEvent.Kind.TYPING);
  }

  @Test
  @DisplayName("a payload no node would publish on that room's channel decodes to nothing")
  void forgeries() {
    MessageId id = MessageId.parse("1700000000000-3");
    assertThat(PubSubPayload.decode("other", PubSubPayload.message("lobby", "ann", "hi", id))).as("another room")
        .isNull();
    assertThat(PubSubPayload.decode("lobb", PubSubPayload.presence("lobby", true, "bob"))).as("a prefix of the room")
        .isNull();
    String valid = PubSubPayload.message("lobby", "ann", "hi", id).toString();
    assertThat(PubSubPayload.decode("lobby", Buffer.buffer(valid.replaceFirst("-3\n", "-4\n")))).as("ids differ")
        .isNull();
    assertThat(PubSubPayload.decode("lobby", Buffer.buffer("m99999999999999999999-0\n{}"))).isNull();
    assertThat(PubSubPayload.decode("lobby", Buffer.buffer("x\n{\"type\":\"message\"}"))).isNull();
  }
}
