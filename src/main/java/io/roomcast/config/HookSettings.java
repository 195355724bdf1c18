package io.roomcast.config;

/**
 * The synchronous hooks a gateway asks before it lets a connection, a join or a send happen (docs/hooks.md), and how
 * it calls them. Made afresh on a live change (URLs, timeouts and policies are live). The secret is never logged.
 *
 * @param secret the signing key's bytes (decoded from {@code whsec_...}); empty when no hook and no webhook is set
 * @param node this node's id, sent in every call
 * @param webhooks whether events are delivered as webhooks (announced beside the hooks)
 */
public record HookSettings(Hook connect, Hook join, Hook send, byte[] secret, int breakerFailures, int breakerResetMs,
    int poolSize, int maxQueued, String node, boolean webhooks) {

  /**
   * One hook.
   *
   * @param url where it is POSTed; empty: the hook is off
   * @param open whether a failure lets the action happen ({@code open}) or refuses it ({@code closed})
   */
  public record Hook(String name, String url, int timeoutMs, boolean open) {
    public boolean enabled() {
      return !url.isEmpty();
    }
  }

  /** Whether any hook is set. */
  public boolean any() {
    return connect.enabled() || join.enabled() || send.enabled();
  }

  @Override
  public String toString() {
    return "HookSettings[connect=" + connect + ", join=" + join + ", send=" + send + "]";
  }
}
