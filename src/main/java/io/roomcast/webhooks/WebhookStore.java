package io.roomcast.webhooks;

import io.vertx.core.Future;
import java.util.List;

/**
 * Where recorded events wait until they are delivered: one queue per room, oldest first, a hint of the rooms whose
 * queue may hold events, the delivery lease (one node of a cluster delivers at a time) and the dead events. Events are
 * recorded by the broker, atomically with what they tell of ({@code publish.lua} stores a message and its
 * {@code message.created} together); the delivering node reads, delivers and removes them through this. Used from
 * the bridge's event loop.
 */
public interface WebhookStore {
  /**
   * Takes the delivery lease for {@code ttlMs}, or renews it; false when another node holds it. A {@code ttlMs} of 0
   * gives it up (when this node holds it).
   */
  Future<Boolean> lease(long ttlMs);

  /** Up to {@code max} rooms whose queue may hold events. */
  Future<List<String>> pendingRooms(int max);

  /** Up to {@code max} of the oldest events of {@code room}'s queue. */
  Future<List<WebhookEvent>> head(String room, int max);

  /** {@code event} was delivered: it leaves its room's queue. */
  Future<Void> delivered(WebhookEvent event);

  /**
   * {@code room}'s queue was found empty: its hint is dropped, unless an event came meanwhile; true when the queue
   * holds events (the hint stays).
   */
  Future<Boolean> settle(String room);

  /** {@code event} is too old to deliver: it moves to the dead events (at most {@code keep} are kept). */
  Future<Void> dead(WebhookEvent event, int keep);

  /** Up to {@code max} dead events, oldest first. */
  Future<List<WebhookEvent>> deadEvents(int max);

  /** Puts up to {@code max} dead events back at the end of their rooms' queues (same ids); how many. */
  Future<Integer> replayDead(int max);

  /** Hints every room whose queue holds events (a hint lost with a node that crashed is found again). */
  Future<Void> sweep();
}
