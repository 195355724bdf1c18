package io.roomcast.it;

import io.roomcast.support.TestNode;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The protocol contract against one node whose writes wait out a write delay ({@code writeDelayMs}). */
class WriteDelayProtocolIT extends ProtocolContract {
  private TestNode node;

  @BeforeAll
  void startNode() {
    node = TestNode.start(Map.of("CHAT_WRITE_DELAY_MS", "25"));
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
}
