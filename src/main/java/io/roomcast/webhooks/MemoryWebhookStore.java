package io.roomcast.webhooks;

import io.roomcast.config.WebhookSettings;
import io.roomcast.hooks.Signer;
import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The in-memory broker's event queues: in this node's memory, so they survive a backend outage but not a restart of
 * the node (docs/hooks.md says so). The node is the only one, so it always holds the lease. Used from the bridge's
 * event loop only.
 */
public final class MemoryWebhookStore implements WebhookStore {
  private final WebhookSettings settings;
  private final Map<String, ArrayDeque<WebhookEvent>> queues = new HashMap<>();
  private final Set<String> pending = new LinkedHashSet<>();
  private final ArrayDeque<WebhookEvent> dead = new ArrayDeque<>();
  private long sequence;

  public MemoryWebhookStore(WebhookSettings settings) {
    this.settings = settings;
  }

  /** Records an event of {@code room}, when events of its type are delivered (fields as {@link WebhookEvent#data}). */
  public void record(String type, String room, String message, String user, String text, String why, String until) {
    if (!settings.wants(type)) {
      return;
    }
    long now = System.currentTimeMillis();
    WebhookEvent e = new WebhookEvent(Long.toString(++sequence), Signer.newId("msg"), type, now, room,
        WebhookEvent.data(type, room, now, message, user, text, why, until), now);
    queues.computeIfAbsent(room, r -> new ArrayDeque<>()).add(e);
    pending.add(room);
  }

  @Override
  public Future<Boolean> lease(long ttlMs) {
    return Future.succeededFuture(ttlMs > 0);
  }

  @Override
  public Future<List<String>> pendingRooms(int max) {
    return Future.succeededFuture(pending.stream().limit(max).toList());
  }

  @Override
  public Future<List<WebhookEvent>> head(String room, int max) {
    ArrayDeque<WebhookEvent> q = queues.get(room);
    return Future.succeededFuture(q == null ? List.of() : q.stream().limit(max).toList());
  }

  @Override
  public Future<Void> delivered(WebhookEvent event) {
    remove(event);
    return Future.succeededFuture();
  }

  private void remove(WebhookEvent event) {
    ArrayDeque<WebhookEvent> q = queues.get(event.room());
    if (q != null) {
      q.removeIf(e -> e.entry().equals(event.entry()));
      if (q.isEmpty()) {
        queues.remove(event.room());
      }
    }
  }

  @Override
  public Future<Boolean> settle(String room) {
    if (queues.containsKey(room)) {
      return Future.succeededFuture(true);
    }
    pending.remove(room);
    return Future.succeededFuture(false);
  }

  @Override
  public Future<Void> dead(WebhookEvent event, int keep) {
    remove(event);
    dead.add(event);
    while (dead.size() > keep) {
      dead.poll();
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<List<WebhookEvent>> deadEvents(int max) {
    return Future.succeededFuture(dead.stream().limit(max).toList());
  }

  @Override
  public Future<Integer> replayDead(int max) {
    List<WebhookEvent> back = new ArrayList<>();
    while (!dead.isEmpty() && back.size() < max) {
      back.add(dead.poll());
    }
    for (WebhookEvent e : back) {
      WebhookEvent again = new WebhookEvent(Long.toString(++sequence), e.id(), e.type(), e.ts(), e.room(), e.data(),
          System.currentTimeMillis());
      queues.computeIfAbsent(e.room(), r -> new ArrayDeque<>()).add(again);
      pending.add(e.room());
    }
    return Future.succeededFuture(back.size());
  }

  @Override
  public Future<Void> sweep() {
    pending.addAll(queues.keySet());
    return Future.succeededFuture();
  }
}
