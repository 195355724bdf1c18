package io.roomcast.it;

import io.roomcast.support.Await;
import io.roomcast.support.TestNode;
import io.roomcast.support.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** What most integration tests share: a client-side Vertx with a WebSocket client, and the node a test starts. */
abstract class NodeTest {
  protected Vertx vertx;
  protected WebSocketClient client;
  /** Started by the test (or its own set-up); closed after it. */
  protected TestNode node;

  @BeforeEach
  void startClient() {
    vertx = Vertx.vertx();
    client = WsClient.newClient(vertx);
  }

  @AfterEach
  void stopClientAndNode() {
    Await.result(vertx.close());
    if (node != null) {
      node.close();
    }
  }
}
