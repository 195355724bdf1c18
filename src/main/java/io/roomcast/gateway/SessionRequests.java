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
import io.roomcast.config.HookSettings;
import io.roomcast.hooks.HookClient;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a session does with each request once admitted: the bridge calls it makes (answering a refusal with its coded
 * error), the rooms it joined or is joining ({@link Member}), the token's limits on rooms, and the {@code join} and
 * {@code send} hooks. Every request type has its method here ({@link ClientFrame.Handler}): a new one does not compile
 * until it is handled. While a hook is pending, the connection's later requests wait behind it ({@link #handle}), so
 * they keep their order; other connections are not held up. Used from the session's event loop only.
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
  /** Bridge requests and hooks not answered yet; a close waits for them, so every accepted request gets its reply. */
  private int inFlight;
  /** A hook is pending: later requests wait in {@link #waiting}. */
  private boolean held;
  private final ArrayDeque<ClientFrame> waiting = new ArrayDeque<>();
  /** Reading stopped because {@code hookMaxQueued} requests wait. */
  private boolean paused;

  SessionRequests(Session session, SessionServices services, Identity identity, String ip) {
    this.session = session;
    this.services = services;
    this.identity = identity;
    this.user = identity.user();
    this.id = session.id();
    this.quota = services.jwtMode() ? "user:" + user : "ip:" + ip;
  }

  /**
   * Serves a request, or, while a hook is pending, keeps it for when the hook is answered (the connection's requests
   * keep their order). When {@code hookMaxQueued} wait, the socket is no longer read until they are served.
   */
  void handle(ClientFrame frame) {
    if (!held && waiting.isEmpty()) {
      frame.accept(this);
      return;
    }
    waiting.add(frame);
    if (!paused && waiting.size() >= services.hookSettings().get().maxQueued()) {
      paused = true;
      session.reading(false);
    }
  }

  /** A hook was answered: the requests that waited behind it are served, until one of them waits for a hook. */
  private void release() {
    held = false;
    while (!held && !waiting.isEmpty()) {
      ClientFrame next = waiting.poll();
      if (!session.closing() && !session.ended()) {
        next.accept(this);
      }
    }
    if (paused && waiting.size() < services.hookSettings().get().maxQueued()) {
      paused = false;
      session.reading(true);
    }
  }

  /**
   * Asks {@code hook} (when it is set) before {@code go} does the request, with the text to store ({@code text}, or
   * the hook's replacement). A refusal answers {@code forbidden} with the backend's reason; a failure under the
   * {@code closed} policy {@code unavailable} (the client retries, with its key). Counted in flight meanwhile.
   */
  private void afterHook(HookSettings.Hook hook, JsonObject body, String text, String ref,
      java.util.function.Consumer<String> go) {
    if (!hook.enabled()) {
      go.accept(text);
      return;
    }
    held = true;
    inFlight++;
    services.hooks().call(hook, body).onComplete(ar -> {
      HookClient.Verdict verdict = ar.result();
      if (!session.ended()) {
        if (verdict instanceof HookClient.Verdict.Allow allow) {
          go.accept(allow.text() != null ? allow.text() : text);
        } else if (verdict instanceof HookClient.Verdict.Refuse refusal) {
          session.refuse(ErrorCode.FORBIDDEN, refusal.reason(), ref);
        } else {
          session.refuse(ErrorCode.UNAVAILABLE, "the application's " + hook.name()
              + " check did not answer: retry later", ref);
        }
      }
      if (--inFlight == 0) {
        session.allAnswered();
      }
      release();
    });
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
      HookSettings hooks = services.hookSettings().get();
      JsonObject body = hooks.send().enabled() ? new JsonObject().put("user", user).put("room", s.room())
          .put("text", s.text()).put("session", id).put("node", hooks.node()) : null;
      afterHook(hooks.send(), body, s.text(), s.ref(), text -> {
        if (!text.equals(s.text()) && !replacementFits(text, s.ref())) {
          return;
        }
        ask(new BridgeRequest.Publish(s.room(), user, text, s.key()), s.ref(), sent -> {
          services.metrics().messageIn();
          session.writeFrame(ServerFrames.sent(s.ref(), s.room(), sent.id()));
        });
      });
    }
  }

  /**
   * A text the {@code send} hook put in place of the client's must itself be a text the client could have sent;
   * one that is not is refused {@code unavailable} (the backend is at fault, not the client) and nothing is stored.
   */
  private boolean replacementFits(String text, String ref) {
    int length = text.codePointCount(0, text.length());
    int max = settings().maxTextLength();
    if (length >= 1 && length <= max) {
      return true;
    }
    session.refuse(ErrorCode.UNAVAILABLE, "the application's send check replaced the text with one of " + length
        + " characters (1 to " + max + " allowed)", ref);
    return false;
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
    HookSettings hooks = services.hookSettings().get();
    JsonObject body = hooks.join().enabled() ? new JsonObject().put("user", user).put("room", room)
        .put("session", id).put("node", hooks.node()) : null;
    afterHook(hooks.join(), body, null, j.ref(), ignored -> joinNow(j));
  }

  /** The join itself, once the {@code join} hook (if any) allowed it. */
  private void joinNow(ClientFrame.Join j) {
    String room = j.room();
    if (rooms.containsKey(room)) {
      join(j);   // joined meanwhile (a join sent twice while the hook was asked): answered as a repeat
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
