package io.roomcast.config;

import java.util.List;

/**
 * What a gateway instance takes of the settings: where it listens, who may upgrade and how many, how it finds the
 * client's address behind proxies, its pings and idle timeout, its write batching, its bridge timeout, and the groups
 * it hands on (its sessions' {@link SessionLimits}, its authenticator's {@link AuthSettings}, its {@link HookSettings}). Made afresh on a live
 * change.
 *
 * @param separateManagementPort the health and metrics routes are served elsewhere, not by the gateway
 */
public record GatewaySettings(String host, boolean separateManagementPort, List<String> allowedOrigins,
    List<String> trustedProxies, String forwardedHeader, int maxConnectionsPerIp, int maxConnectionsPerUser,
    int pingIntervalSeconds, int idleTimeoutSeconds, int writeDelayMs, int bridgeTimeoutMs, SessionLimits session,
    AuthSettings auth, HookSettings hooks) {

  /** The frame size beyond which Netty drops the connection instead of the session closing it with 1009. */
  public int hardFrameLimit() {
    return session.maxFrameBytes() * 4;
  }
}
