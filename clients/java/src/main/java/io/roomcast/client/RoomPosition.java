package io.roomcast.client;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A joined room's resume position: the newest id delivered, or before any the position the join gave, and the latest
 * ids (for ids of a shape that cannot be compared), so a message that arrives twice is delivered once.
 */
final class RoomPosition {
  private static final int RECENT_IDS = 256;

  /** Where a rejoin resumes from (null: the server's position is not known yet). */
  String last;
  /** Insertion-ordered: the oldest goes first once there are more than {@link #RECENT_IDS}. */
  private final Set<String> recent = new LinkedHashSet<>();

  /** True for a message not delivered yet (then it counts as delivered). */
  boolean accept(String id) {
    if (id == null || recent.contains(id)) {
      return false;
    }
    if (last != null) {
      int c = MessageIds.compare(id, last);
      if (c != Integer.MIN_VALUE && c <= 0) {
        return false;
      }
    }
    last = id;
    recent.add(id);
    if (recent.size() > RECENT_IDS) {
      Iterator<String> oldest = recent.iterator();
      oldest.next();
      oldest.remove();
    }
    return true;
  }
}
