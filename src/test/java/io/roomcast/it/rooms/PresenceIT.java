package io.roomcast.it.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.support.NodeTest;
import io.roomcast.support.TestNode;
import io.roomcast.support.WsClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Presence counts users, not connections: a user with two tabs is one member. */
class PresenceIT extends NodeTest {
  @BeforeEach
  void startNode() {
    node = TestNode.start();
  }

  @Test
  @DisplayName("join fires when a user's first connection joins and leave when the last one goes, not per tab")
  void twoTabsAreOneMember() {
    WsClient bob = WsClient.connect(client, node.port(), "bob");
    bob.join("lobby");
    WsClient tab1 = WsClient.connect(client, node.port(), "alice");
    WsClient tab2 = WsClient.connect(client, node.port(), "alice");

    tab1.join("lobby");
    JsonObject join = bob.take(f -> WsClient.isPresence(f, "join", "alice"));
    assertThat(join.getString("room")).isEqualTo("lobby");
    assertThat(tab1.drain()).as("no presence event about oneself").noneMatch(f -> "presence".equals(f.getString("type")));

    JsonObject second = tab2.join("lobby");
    assertThat(second.getJsonArray("members").getList()).containsExactlyInAnyOrder("bob", "alice");
    assertThat(bob.drain()).as("second tab: no new join").noneMatch(f -> "presence".equals(f.getString("type")));
    assertThat(bob.members("lobby")).containsExactlyInAnyOrder("bob", "alice");

    tab1.expect("ok", new JsonObject().put("type", "leave").put("room", "lobby"));
    assertThat(bob.drain()).as("one tab left, alice is still here")
        .noneMatch(f -> "presence".equals(f.getString("type")));
    assertThat(bob.members("lobby")).containsExactlyInAnyOrder("bob", "alice");

    tab2.close();
    JsonObject leave = bob.take(f -> WsClient.isPresence(f, "leave", "alice"));
    assertThat(leave.getString("room")).isEqualTo("lobby");
    assertThat(bob.members("lobby")).containsExactly("bob");
    assertThat(bob.drain()).as("exactly one leave").noneMatch(f -> "presence".equals(f.getString("type")));
  }

  @Test
  @DisplayName("closing a connection leaves every room it had joined")
  void closeLeavesAllRooms() {
    WsClient bob = WsClient.connect(client, node.port(), "bob");
    bob.join("a");
    bob.join("b");
    WsClient carl = WsClient.connect(client, node.port(), "carl");
    carl.join("a");
    carl.join("b");
    carl.close();
    bob.take(f -> WsClient.isPresence(f, "leave", "carl") && "a".equals(f.getString("room")));
    bob.take(f -> WsClient.isPresence(f, "leave", "carl") && "b".equals(f.getString("room")));
    assertThat(bob.members("a")).containsExactly("bob");
    assertThat(bob.members("b")).containsExactly("bob");
  }
}
