package io.roomcast.client;

import java.util.Objects;

/** A chat message: live, replayed after a reconnect, or from {@code history}. */
public final class Message {
  private final String room;
  private final String id;
  private final String user;
  private final String text;
  private final long ts;

  public Message(String room, String id, String user, String text, long ts) {
    this.room = room;
    this.id = id;
    this.user = user;
    this.text = text;
    this.ts = ts;
  }

  public String room() {
    return room;
  }

  /** The message id: unique in its room, increasing in the order the room's messages were stored. */
  public String id() {
    return id;
  }

  public String user() {
    return user;
  }

  public String text() {
    return text;
  }

  /** When it was stored, in epoch milliseconds. */
  public long ts() {
    return ts;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Message && ((Message) o).room.equals(room) && ((Message) o).id.equals(id);
  }

  @Override
  public int hashCode() {
    return Objects.hash(room, id);
  }

  @Override
  public String toString() {
    return "Message[" + room + " " + id + " " + user + ": " + text + "]";
  }
}
