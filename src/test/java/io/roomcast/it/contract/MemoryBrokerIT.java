package io.roomcast.it.contract;

import io.roomcast.support.BrokerNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The broker contract against the in-memory broker (one node: both roles are played by it). */
class MemoryBrokerIT extends BrokerContract {
  private BrokerNode node;

  @BeforeAll
  void start() {
    node = BrokerNode.start(SETTINGS).awaitReady();
  }

  @AfterAll
  void stop() {
    node.close();
  }

  @Override
  protected BrokerNode a() {
    return node;
  }

  @Override
  protected BrokerNode b() {
    return node;
  }
}
