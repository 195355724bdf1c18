package io.roomcast.ops;

import java.util.concurrent.ConcurrentHashMap;

/** What a node's verticles share: its lifecycle and the node-wide admission limits. Thread-safe. */
public final class NodeState {
  private final ConcurrentHashMap<String, Integer> connectionsByIp = new ConcurrentHashMap<>();

  private final double upgradesPerSecond;
  private volatile boolean draining;
  private double upgradeTokens;
  private long lastRefill = System.nanoTime();

  public NodeState(int upgradesPerSecond) {
    this.upgradesPerSecond = upgradesPerSecond;
    this.upgradeTokens = upgradesPerSecond;
  }

  /** From now on: not ready, and new WebSocket upgrades are refused. */
  public void startDraining() {
    draining = true;
  }

  public boolean draining() {
    return draining;
  }

  /** Takes one of the node's upgrade tokens (a bucket of one second's worth, refilled continuously). */
  public synchronized boolean takeUpgrade() {
    long now = System.nanoTime();
    upgradeTokens = Math.min(upgradesPerSecond, upgradeTokens + (now - lastRefill) * upgradesPerSecond / 1e9);
    lastRefill = now;
    if (upgradeTokens >= 1) {
      upgradeTokens -= 1;
      return true;
    }
    return false;
  }

  /** Counts a connection of {@code ip}, unless it holds {@code max} already. */
  public boolean acquireIp(String ip, int max) {
    boolean[] admitted = new boolean[1];
    connectionsByIp.compute(ip, (k, held) -> {
      int n = held == null ? 0 : held;
      admitted[0] = n < max;
      return admitted[0] ? Integer.valueOf(n + 1) : held;
    });
    return admitted[0];
  }

  public void releaseIp(String ip) {
    connectionsByIp.computeIfPresent(ip, (k, held) -> held <= 1 ? null : held - 1);
  }
}
