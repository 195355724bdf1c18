package io.roomcast.bridge.redis;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What this node holds: the sessions of each user in each room, and each user's admitted connections. Redis holds one
 * entry per node, room and user (and a count per node and user); this is the truth those entries are reconciled with
 * after Redis comes back. Used from the bridge's event loop only.
 */
final class LocalPresence {
  /** A session was added: whether its room had no local session before, and whether its user had none there. */
  record Added(boolean firstInRoom, boolean firstOfUser) {}

  /** A session was removed: whether it was its user's last in the room, and the room's last. */
  record Removed(boolean lastOfUser, boolean roomEmpty) {}

  /** room -> user -> this node's sessions of the user in the room. */
  private final Map<String, Map<String, Set<String>>> rooms = new HashMap<>();
  /** user -> this node's admitted connections of the user. */
  private final Map<String, Integer> connections = new HashMap<>();

  Added add(String room, String user, String session) {
    boolean firstInRoom = !rooms.containsKey(room);
    Set<String> sessions = rooms.computeIfAbsent(room, r -> new HashMap<>())
        .computeIfAbsent(user, u -> new LinkedHashSet<>());
    boolean firstOfUser = sessions.isEmpty();
    sessions.add(session);
    return new Added(firstInRoom, firstOfUser);
  }

  /** Removes a session; null when it was not there. */
  Removed remove(String room, String user, String session) {
    Map<String, Set<String>> users = rooms.get(room);
    Set<String> sessions = users == null ? null : users.get(user);
    if (sessions == null || !sessions.remove(session)) {
      return null;
    }
    if (!sessions.isEmpty()) {
      return new Removed(false, false);
    }
    users.remove(user);
    if (users.isEmpty()) {
      rooms.remove(room);
      return new Removed(true, true);
    }
    return new Removed(true, false);
  }

  boolean has(String room) {
    return rooms.containsKey(room);
  }

  Set<String> rooms() {
    return rooms.keySet();
  }

  int roomCount() {
    return rooms.size();
  }

  /** Every (room, user) this node holds, as presence-index fields ("room user"). */
  Set<String> fields() {
    Set<String> out = new LinkedHashSet<>();
    rooms.forEach((room, users) -> users.keySet().forEach(u -> out.add(RedisKeys.presenceField(room, u))));
    return out;
  }

  void admitted(String user) {
    connections.merge(user, 1, Integer::sum);
  }

  /** An admitted connection closed; false when none was counted. */
  boolean closed(String user) {
    Integer held = connections.get(user);
    if (held == null) {
      return false;
    }
    if (held <= 1) {
      connections.remove(user);
    } else {
      connections.put(user, held - 1);
    }
    return true;
  }

  Map<String, Integer> connections() {
    return connections;
  }
}
