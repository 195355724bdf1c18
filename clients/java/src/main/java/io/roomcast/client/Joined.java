package io.roomcast.client;

import java.util.Collections;
import java.util.List;

/**
 * The reply to a join: the room's members, whether a join with {@code since} recovered every message after it, and the
 * position the member's stream starts after.
 */
public final class Joined {
  private final String room;
  private final List<String> members;
  private final boolean recovered;
  private final String last;

  public Joined(String room, List<String> members, boolean recovered, String last) {
    this.room = room;
    this.members = Collections.unmodifiableList(members);
    this.recovered = recovered;
    this.last = last;
  }

  public String room() {
    return room;
  }

  public List<String> members() {
    return members;
  }

  /**
   * True when the server replays every message after {@code since} (they follow as messages); false when
   * {@code since} was older than the retained history (or not given): fetch what you want with {@code history}.
   */
  public boolean recovered() {
    return recovered;
  }

  /**
   * Where the member's stream starts: every message after it follows ({@code since} for a recovered join, else the
   * id of the newest message stored at the join, or a position before every id in a room that held none). The
   * client resumes from it until a newer message arrives. Null from a server without the {@code position} extension.
   */
  public String last() {
    return last;
  }

  @Override
  public String toString() {
    return "Joined[" + room + " " + members + (recovered ? " recovered" : "") + "]";
  }
}
