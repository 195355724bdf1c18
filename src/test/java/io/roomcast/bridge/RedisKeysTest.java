package io.roomcast.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RedisKeysTest {
  private final RedisKeys keys = new RedisKeys("chat", "node-1");

  @Test
  @DisplayName("channels and keys follow protocol.md's Redis layout under the prefix")
  void layout() {
    assertThat(keys.roomPattern()).isEqualTo("chat:room:*");
    assertThat(keys.newRoomChannel()).isEqualTo("chat:newroom");
    assertThat(keys.messageChannel("lobby")).isEqualTo("chat:room:lobby:msg");
    assertThat(keys.joinChannel("lobby")).isEqualTo("chat:room:lobby:join");
    assertThat(keys.stream("lobby")).isEqualTo("chat:room:lobby:stream");
    assertThat(keys.nodePresence()).isEqualTo("chat:node:node-1:presence");
    assertThat(new RedisKeys("acme", "n").rooms()).isEqualTo("acme:rooms");
  }

  @Test
  @DisplayName("the room of a channel is read back, and other channels are not mistaken for rooms")
  void roomOf() {
    assertThat(keys.roomOf(keys.messageChannel("a.b-c_d"))).isEqualTo("a.b-c_d");
    assertThat(keys.roomOf(keys.joinChannel("x"))).isEqualTo("x");
    assertThat(keys.roomOf("chat:newroom")).isNull();
    assertThat(keys.roomOf("other:room:x:msg")).isNull();
    assertThat(keys.roomOf("chat:room:")).isNull();
  }
}
