package io.roomcast.ops;

/** What a node's verticles share about its lifecycle. */
public final class NodeState {
  private volatile boolean draining;

  /** From now on: not ready, and new WebSocket upgrades are refused. */
  public void startDraining() {
    draining = true;
  }

  public boolean draining() {
    return draining;
  }
}
