package io.roomcast.ops;

import io.roomcast.config.ChatConfig;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a node's verticles share: its lifecycle, its current settings (replaced by a live config change) and the
 * node-wide admission limits. Thread-safe.
 */
public final class NodeState {
  private final ConcurrentHashMap<String, Integer> connectionsByIp = new ConcurrentHashMap<>();
  private final KeyedRateLimiter upgradesByIp = new KeyedRateLimiter();
  private final KeyedRateLimiter apiCallsByIp = new KeyedRateLimiter();

  private volatile ChatConfig config;
  private volatile boolean draining;
  /** The node's upgrades: a bucket of one second's worth, refilled continuously. Guarded by this. */
  private final TokenBucket upgrades;

  public NodeState(ChatConfig config) {
    this.config = config;
    this.upgrades = new TokenBucket(config.maxUpgradesPerSecond(), config.maxUpgradesPerSecond(), System.nanoTime());
  }

  /** The settings in force (live settings included). */
  public ChatConfig config() {
    return config;
  }

  /** Applies changed live settings. */
  public void configure(ChatConfig config) {
    this.config = config;
  }

  /** From now on: not ready, and new WebSocket upgrades are refused. */
  public void startDraining() {
    draining = true;
  }

  public boolean draining() {
    return draining;
  }

  /**
   * Takes one of the node's upgrade tokens (a bucket of one second's worth, refilled continuously) and one of
   * {@code ip}'s; false when either is empty.
   */
  public boolean takeUpgrade(String ip) {
    ChatConfig c = config;
    long now = System.nanoTime();
    if (!upgradesByIp.tryTake(ip, c.maxUpgradesPerIpPerSecond(), c.maxUpgradesPerIpPerSecond(), now)) {
      return false;
    }
    synchronized (this) {
      upgrades.reconfigure(c.maxUpgradesPerSecond(), c.maxUpgradesPerSecond());
      return upgrades.tryTake(now);
    }
  }

  /** Takes one of {@code ip}'s HTTP API tokens; false when its bucket is empty. */
  public boolean takeApiCall(String ip) {
    ChatConfig c = config;
    return apiCallsByIp.tryTake(ip, c.apiRatePerSecond(), c.apiBurst(), System.nanoTime());
  }

  /** Forgets the rate-limit state of addresses that have been quiet long enough to start afresh. */
  public void sweep() {
    long now = System.nanoTime();
    upgradesByIp.sweep(now);
    apiCallsByIp.sweep(now);
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
