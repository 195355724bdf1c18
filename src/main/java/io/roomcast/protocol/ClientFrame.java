package io.roomcast.protocol;

/** A request from a client, already validated by {@link FrameParser}. {@code ref} is null when the client sent none. */
public sealed interface ClientFrame {
  String ref();

  /** Hands the frame to the handler's method for its type. */
  void accept(Handler handler);

  /** One method per frame type: a new frame type does not compile until every handler takes it. */
  interface Handler {
    void create(Create f);

    void rooms(Rooms f);

    void join(Join f);

    void leave(Leave f);

    void send(Send f);

    void history(History f);

    void members(Members f);

    void typing(Typing f);

    void ping(Ping f);
  }

  /** A request about one room. */
  sealed interface RoomFrame extends ClientFrame {
    String room();
  }

  record Create(String ref, String room) implements RoomFrame {
    public void accept(Handler h) {
      h.create(this);
    }
  }

  record Rooms(String ref) implements ClientFrame {
    public void accept(Handler h) {
      h.rooms(this);
    }
  }

  /** {@code since} is the last id the client saw, or null. */
  record Join(String ref, String room, String since) implements RoomFrame {
    public void accept(Handler h) {
      h.join(this);
    }
  }

  record Leave(String ref, String room) implements RoomFrame {
    public void accept(Handler h) {
      h.leave(this);
    }
  }

  /** {@code key} is the idempotency key, or null. */
  record Send(String ref, String room, String text, String key) implements RoomFrame {
    public void accept(Handler h) {
      h.send(this);
    }
  }

  /** {@code before} is null for the newest messages. */
  record History(String ref, String room, MessageId before, int limit) implements RoomFrame {
    public void accept(Handler h) {
      h.history(this);
    }
  }

  record Members(String ref, String room) implements RoomFrame {
    public void accept(Handler h) {
      h.members(this);
    }
  }

  record Typing(String ref, String room) implements RoomFrame {
    public void accept(Handler h) {
      h.typing(this);
    }
  }

  record Ping(String ref) implements ClientFrame {
    public void accept(Handler h) {
      h.ping(this);
    }
  }
}
