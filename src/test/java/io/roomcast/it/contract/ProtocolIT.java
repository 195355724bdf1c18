package io.roomcast.it.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.roomcast.support.Await;
import io.roomcast.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The protocol contract against one node on the in-memory broker, with two gateway instances. */
class ProtocolIT extends ProtocolContract {
  private TestNode node;

  /** Settings the node starts with, by environment name: none here, a variant's own in a subclass. */
  protected Map<String, String> settings() {
    return Map.of();
  }

  @BeforeAll
  void startNode() {
    node = TestNode.start(settings());
  }

  @AfterAll
  void stopNode() {
    node.close();
  }

  @Override
  protected int portFor(int clientIndex) {
    return node.port();
  }

  @Override
  protected String nodeFor(int clientIndex) {
    return node.node().config().nodeId();
  }

  @ParameterizedTest
  @ValueSource(strings = {"a%20b", "", "%C3%A9", "abcdefghijklmnopqrstuvwxyz0123456"})
  @DisplayName("an upgrade with an invalid user name is refused with HTTP 400")
  void invalidUserName(String name) {
    Vertx vertx = Vertx.vertx();
    try {
      WebSocketClient client = vertx.createWebSocketClient();
      Throwable err = catchThrowable(() -> Await.result(client.connect(new WebSocketConnectOptions()
          .setHost("127.0.0.1").setPort(node.port()).setURI("/ws?user=" + name)), Duration.ofSeconds(5)));
      assertThat(err).isInstanceOf(UpgradeRejectedException.class);
      assertThat(((UpgradeRejectedException) err).getStatus()).isEqualTo(400);
    } finally {
      Await.result(vertx.close());
    }
  }
}
