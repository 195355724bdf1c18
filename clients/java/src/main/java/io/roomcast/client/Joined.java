package io.roomcast.client;

import java.util.Collections;
import java.util.List;

/** The reply to a join: the room's members, and whether a join with {@code since} recovered every message after it. */
public final class Joined {
  private final String room;
  private final List<String> members;
  private final boolean recovered;

  public Joined(String room, List<String> members, boolean recovered) {
    this.room = room;
    this.members = Collections.unmodifiableList(members);
    this.recovered = recovered;
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

  @Override
  public String toString() {
    return "Joined[" + room + " " + members + (recovered ? " recovered" : "") + "]";
  }
}
