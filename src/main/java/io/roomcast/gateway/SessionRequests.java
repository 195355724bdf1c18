package io.roomcast.gateway;

import io.roomcast.bus.BridgeClient;
import io.roomcast.bus.BridgeReply;
import io.roomcast.bus.BridgeRequest;
import io.roomcast.bus.Refusal;
import io.roomcast.config.SessionLimits;
import io.roomcast.gateway.auth.Identity;
import io.roomcast.protocol.ClientFrame;
import io.roomcast.protocol.ErrorCode;
import io.roomcast.protocol.ServerFrames;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a session does with each request once admitted: the bridge calls it makes (answering a refusal with its coded
 * error), the rooms it joined or is joining ({@link Member}), and the token's limits on rooms. Every request type has
 * its method here ({@link ClientFrame.Handler}): a new one does not compile until it is handled. Used from the
 * session's event loop only.
 */
final class SessionRequests implements ClientFrame.Handler {
  private final Session session;
  private final SessionServices services;
  private final Identity identity;
  private final String user;
  private final String id;
  /**
   * Whose room-creation quota this connection's new rooms count toward: the user's, when a token vouches for the name;
   * the client address's in anonymous mode, where anyone may pick any name.
   */
  private final String quota;
  /** Rooms joined or being joined. */
  private final Map<String, Member> rooms = new HashMap<>();
  /** Bridge requests not answered yet; a close waits for them, so every accepted request gets its reply. */
  private int inFlight;

  SessionRequests(Session session, SessionServices services, Identity identity, String ip) {
    this.session = session;
    this.services = services;
    this.identity = identity;
    this.user = identity.user();
    this.id = session.id();
    this.quota = services.jwtMode() ? "user:" + user : "ip:" + ip;
  }

  /** Bridge requests not answered yet. */
  int inFlight() {
    return inFlight;
  }

  /** The connection closed: it leaves every room, here and at the bridge. */
  void leaveAll() {
    for (String room : List.copyOf(rooms.keySet())) {
      detach(room);
      services.bridge().tell(new BridgeRequest.Leave(room, user, id));
    }
  }

  @Override
  public void ping(ClientFrame.Ping p) {
    session.writeFrame(ServerFrames.pong(p.ref()));
  }

  @Override
  public void typing(ClientFrame.Typing t) {
    if (requireJoined(t.room(), t.ref())) {
      services.bridge().tell(new BridgeRequest.Typing(t.room(), user));
    }
  }

  @Override
  public void create(ClientFrame.Create c) {
    if (allowed(c.room(), c.ref())) {
      ask(new BridgeRequest.Create(c.room(), quota), c.ref(),
          r -> session.writeFrame(ServerFrames.created(c.ref(), c.room(), r.created())));
    }
  }

  @Override
  public void rooms(ClientFrame.Rooms r) {
    ask(new BridgeRequest.ListRooms(), r.ref(),
        list -> session.writeFrame(ServerFrames.rooms(r.ref(), identity.visible(list.rooms()))));
  }

  @Override
  public void history(ClientFrame.History h) {
    if (allowed(h.room(), h.ref())) {
      ask(new BridgeRequest.History(h.room(), h.before(), h.limit()), h.ref(),
          page -> session.writeFrame(ServerFrames.history(h.ref(), h.room(), page.messages())));
    }
  }

  @Override
  public void members(ClientFrame.Members m) {
    if (allowed(m.room(), m.ref())) {
      ask(new BridgeRequest.Members(m.room()), m.ref(),
          list -> session.writeFrame(ServerFrames.members(m.ref(), m.room(), list.users())));
    }
  }

  @Override
  public void send(ClientFrame.Send s) {
    if (allowed(s.room(), s.ref()) && requireJoined(s.room(), s.ref())) {
      ask(new BridgeRequest.Publish(s.room(), user, s.text(), s.key()), s.ref(), sent -> {
        services.metrics().messageIn();
        session.writeFrame(ServerFrames.sent(s.ref(), s.room(), sent.id()));
      });
    }
  }

  @Override
  public void join(ClientFrame.Join j) {
    String room = j.room();
    if (!allowed(room, j.ref())) {
      return;
    }
    Member current = rooms.get(room);
    if (current != null) {
      // every message up to the position went out before this reply, and every later one follows it
      ask(new BridgeRequest.Members(room), j.ref(), list -> session.writeFrame(ServerFrames.joined(
          j.ref(), room, list.users(), false, current.position())));
      return;
    }
    int max = settings().maxRoomsPerConnection();
    if (rooms.size() >= max) {
      session.refuse(ErrorCode.TOO_MANY_ROOMS, "a connection may join at most " + max + " rooms", j.ref());
      return;
    }
    // listen first and hold live events back; after the reply, replay what the client missed and release the
    // held events it has not seen: no gap and no duplicate, even while others send during the hand-off
    Member state = new Member(session, room);
    rooms.put(room, state);
    services.rooms().attach(room, state);
    call(new BridgeRequest.Join(room, user, id, j.since(), quota), j.ref(), ar -> {
      if (session.ended()) {
        return;   // closing detached the session and told the bridge it left
      }
      if (ar.failed()) {
        // a failed join changes nothing; one that timed out may still have reached the broker, so the bridge is
        // told to forget it (leaves are idempotent)
        rooms.remove(room);
        services.rooms().detach(room, state);
        services.bridge().tell(new BridgeRequest.Leave(room, user, id));
        return;
      }
      BridgeReply.Joined joined = ar.result();
      services.metrics().joined();
      session.writeFrame(ServerFrames.joined(j.ref(), room, joined.members(), joined.recovered(), joined.last()));
      // the member's stream starts after its position: a live event at or before it (stored before the join took
      // effect, or replayed) is not written again
      state.joined(joined.last(), joined.missed());
    });
  }

  @Override
  public void leave(ClientFrame.Leave l) {
    if (requireJoined(l.room(), l.ref())) {
      ask(new BridgeRequest.Leave(l.room(), user, id), l.ref(), done -> {
        detach(l.room());
        session.writeFrame(ServerFrames.ok(l.ref(), l.room()));
      });
    }
  }

  private void detach(String room) {
    Member state = rooms.remove(room);
    if (state != null) {
      services.rooms().detach(room, state);
      if (state.joined()) {
        services.metrics().left();
      }
    }
  }

  /** The token's {@code rooms} claim, when it has one, limits the rooms the user may see and use at all. */
  private boolean allowed(String room, String ref) {
    if (identity.mayUse(room)) {
      return true;
    }
    session.refuse(ErrorCode.FORBIDDEN, "your token does not allow room " + room, ref);
    return false;
  }

  private boolean requireJoined(String room, String ref) {
    if (rooms.containsKey(room)) {
      return true;
    }
    session.refuse(ErrorCode.NOT_JOINED, "join room " + room + " first", ref);
    return false;
  }

  /** Asks the bridge; {@code ok} gets the reply, a failure is answered with its coded error. */
  private <R extends BridgeReply> void ask(BridgeRequest<R> request, String ref, Handler<R> ok) {
    call(request, ref, ar -> {
      if (ar.succeeded()) {
        ok.handle(ar.result());
      }
    });
  }

  /**
   * Asks the bridge and hands the outcome to {@code done}, after answering a failure with its coded error. Counts
   * the request as in flight until then, so a pending close waits for its reply.
   */
  private <R extends BridgeReply> void call(BridgeRequest<R> request, String ref, Handler<AsyncResult<R>> done) {
    inFlight++;
    services.bridge().ask(request).onComplete(ar -> {
      if (ar.failed()) {
        Refusal r = BridgeClient.refusal(ar.cause());
        session.refuse(r.code(), r.message(), ref);
      }
      done.handle(ar);
      if (--inFlight == 0) {
        session.allAnswered();
      }
    });
  }

  private SessionLimits settings() {
    return services.limits().get();
  }
}
