package io.roomcast.client;

/** A user's first connection joined a room, or their last one left it (on any node). */
public final class Presence {
  private final String room;
  private final String user;
  private final boolean joined;

  public Presence(String room, String user, boolean joined) {
    this.room = room;
    this.user = user;
    this.joined = joined;
  }

  public String room() {
    return room;
  }

  public String user() {
    return user;
  }

  /** True for a join, false for a leave. */
  public boolean joined() {
    return joined;
  }

  @Override
  public String toString() {
    return "Presence[" + user + (joined ? " joined " : " left ") + room + "]";
  }
}
