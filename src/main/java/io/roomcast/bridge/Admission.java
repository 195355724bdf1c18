package io.roomcast.bridge;

import io.vertx.core.Future;

/** The connections each user holds across all nodes, and the limit on them. Part of {@link Broker}. */
public interface Admission {
  /** Counts a connection of {@code user} across all nodes, unless the user holds {@code max} already. */
  Future<Boolean> connect(String user, int max);

  /** An admitted connection of {@code user} closed; never refused. */
  void disconnect(String user);
}
