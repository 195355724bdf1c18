package io.roomcast.config;

import java.util.List;
import java.util.Set;

/**
 * Where a node delivers events, which ones, and how it retries (docs/hooks.md). The secret is never logged.
 *
 * @param url where events are POSTed; empty: webhooks are off, and no event is recorded
 * @param secret the signing key's bytes (decoded from {@code whsec_...})
 * @param events the event types delivered (all of them when none was configured)
 */
public record WebhookSettings(String url, byte[] secret, Set<String> events, int timeoutMs, int retryMinMs,
    int retryMaxMs, int maxAgeSeconds, int deadMax, int concurrency, int pollMs, int leaseMs, String node) {

  /** Every event type, in the spec's order. */
  public static final List<String> TYPES = List.of("message.created", "message.deleted", "room.created",
      "room.deleted", "member.joined", "member.left", "member.removed");

  public boolean enabled() {
    return !url.isEmpty();
  }

  /** Whether events of {@code type} are recorded and delivered. */
  public boolean wants(String type) {
    return enabled() && events.contains(type);
  }

  @Override
  public String toString() {
    return "WebhookSettings[url=" + url + ", events=" + events + "]";
  }
}
