package io.roomcast.http;

import io.roomcast.bus.BridgeClient;
import io.roomcast.bus.BridgeRequest;
import io.roomcast.bus.Refusal;
import io.roomcast.config.SessionLimits;
import io.roomcast.gateway.auth.Authenticator;
import io.roomcast.gateway.auth.Identity;
import io.roomcast.ops.Metrics;
import io.roomcast.ops.NodeState;
import io.roomcast.protocol.ErrorCode;
import io.roomcast.protocol.FrameParser;
import io.roomcast.protocol.MessageId;
import io.roomcast.protocol.Names;
import io.roomcast.protocol.ProtocolException;
import io.roomcast.protocol.StoredMessage;
import io.roomcast.protocol.StrictJson;
import java.util.Map;
import io.roomcast.ops.ThrottledLog;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * The server-side HTTP API for other backend services (protocol.md): post into a room, list rooms, members and
 * history. Errors are 4xx with a JSON body {@code {"code", "message"}} using the WebSocket error codes; a 500 only
 * means a bug. In JWT mode every call needs {@code Authorization: Bearer} with an API key or an admin token.
 */
public final class HttpApi {
  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);

  /** The verified token of the call, when it used one; an API key (or anonymous mode) is unrestricted. */
  private static final String IDENTITY = "roomcast.identity";
  private static final String CLIENT = "roomcast.client";
  private static final ThrottledLog REFUSALS = new ThrottledLog(LOG, 1000);

  private final Supplier<SessionLimits> settings;
  private final Authenticator auth;
  private final BridgeClient bridge;
  private final NodeState state;
  private final Metrics metrics;
  private final Function<HttpServerRequest, String> clientAddress;

  /**
   * @param settings the live limits (of a message's size and text: the same as a connection's)
   * @param clientAddress the address of the client behind a request, as the per-address limits count it
   */
  public HttpApi(Supplier<SessionLimits> settings, Authenticator auth, BridgeClient bridge, NodeState state,
      Metrics metrics, Function<HttpServerRequest, String> clientAddress) {
    this.settings = settings;
    this.auth = auth;
    this.bridge = bridge;
    this.state = state;
    this.metrics = metrics;
    this.clientAddress = clientAddress;
  }

  public void mount(Router router) {
    router.route("/api/*").handler(this::limitRate);
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(settings.get().maxFrameBytes()));
    router.route("/api/*").handler(this::authorize);
    router.post("/api/rooms/:room/messages").handler(this::post);
    router.get("/api/rooms").handler(this::rooms);
    router.get("/api/rooms/:room/members").handler(this::members);
    router.get("/api/rooms/:room/messages").handler(this::history);
    router.get("/api/webhooks/dead").handler(this::deadWebhooks);
    router.post("/api/webhooks/dead/replay").handler(this::replayWebhooks);
    router.route("/api/*").handler(ctx -> error(ctx, 404, ErrorCode.BAD_REQUEST, "no such API route or method"));
    router.route("/api/*").failureHandler(this::failure);
  }

  /** Every call takes a token of its client address's bucket ({@code apiRatePerSecond}, {@code apiBurst}). */
  private void limitRate(RoutingContext ctx) {
    String ip = clientAddress.apply(ctx.request());
    ctx.put(CLIENT, ip);
    if (state.takeApiCall(ip)) {
      ctx.next();
    } else {
      REFUSALS.info("API calls refused: rate limit of {} exceeded", ip);
      error(ctx, 429, ErrorCode.RATE_LIMITED, "too many API calls: slow down");
    }
  }

  private void authorize(RoutingContext ctx) {
    if (!auth.jwtMode()) {
      ctx.next();
      return;
    }
    String bearer = Authenticator.bearer(ctx.request());
    if (bearer == null || bearer.isEmpty()) {
      error(ctx, 401, ErrorCode.FORBIDDEN, "Authorization: Bearer with an API key or an admin token is required");
    } else if (auth.isApiKey(bearer)) {
      ctx.next();
    } else {
      auth.verify(bearer).onComplete(ar -> {
        if (ar.succeeded() && ar.result().admin()) {
          ctx.put(IDENTITY, ar.result());
          ctx.next();
        } else if (ar.succeeded()) {
          error(ctx, 403, ErrorCode.FORBIDDEN, "the token has no admin claim");
        } else {
          error(ctx, 401, ErrorCode.FORBIDDEN, "invalid API key or token");
        }
      });
    }
  }

  private void post(RoutingContext ctx) {
    String room = room(ctx);
    if (room == null) {
      return;
    }
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).matches("application/json\\s*(;.*)?")) {
      // a cross-site form can post text/plain without a preflight; it cannot post application/json
      error(ctx, 415, ErrorCode.BAD_REQUEST, "the body must be JSON, sent with Content-Type: application/json");
      return;
    }
    Map<String, Object> body;
    try {
      if (ctx.body().buffer() == null) {
        throw new ProtocolException(ErrorCode.BAD_REQUEST, "the body must be a JSON object with text and user", null);
      }
      body = StrictJson.object(ctx.body().buffer().getBytes());
    } catch (ProtocolException e) {
      error(ctx, 400, e.code(), e.code() == ErrorCode.BAD_JSON ? e.getMessage()
          : "the body must be a JSON object with text and user");
      return;
    }
    Object text = body.get("text");
    Object user = body.get("user");
    Object key = body.get("key");
    if (!(text instanceof String t) || t.isEmpty()) {
      error(ctx, 400, ErrorCode.BAD_REQUEST, "field 'text' must be a non-empty string");
      return;
    }
    int max = settings.get().maxTextLength();
    if (t.codePointCount(0, t.length()) > max) {
      error(ctx, 400, ErrorCode.TEXT_TOO_LONG, "text is longer than " + max + " characters");
      return;
    }
    if (!(user instanceof String u) || !Names.isValidSubject(u)) {
      error(ctx, 400, ErrorCode.BAD_REQUEST, "field 'user' must be 1 to 128 letters, digits or '_.@+:-'");
      return;
    }
    if (key != null && (!(key instanceof String k) || k.length() > FrameParser.MAX_KEY_LENGTH)) {
      error(ctx, 400, ErrorCode.BAD_REQUEST, "field 'key' must be a string of at most 64 characters");
      return;
    }
    // in JWT mode the caller is a trusted backend (API key or admin token); anonymous callers share their address's
    // room-creation quota with its WebSocket clients
    String quota = auth.jwtMode() ? null : "ip:" + ctx.get(CLIENT);
    bridge.ask(new BridgeRequest.Create(room, quota))
        .compose(created -> bridge.ask(new BridgeRequest.Publish(room, u, t, (String) key)))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            metrics.messageIn();
            json(ctx, 201, new JsonObject().put("id", ar.result().id()));
          } else {
            refused(ctx, ar.cause());
          }
        });
  }

  private void rooms(RoutingContext ctx) {
    Identity identity = ctx.get(IDENTITY);
    reply(ctx, bridge.ask(new BridgeRequest.ListRooms())
        .map(list -> new JsonObject().put("rooms",
            new JsonArray(identity == null ? list.rooms() : identity.visible(list.rooms())))));
  }

  /**
   * The call's room: valid, and allowed by the token's {@code rooms} claim when a token was used; else the call is
   * answered with the error and null is returned.
   */
  private static String room(RoutingContext ctx) {
    String room = ctx.pathParam("room");
    if (!Names.isValidRoom(room)) {
      error(ctx, 400, ErrorCode.INVALID_ROOM, "room names are 1 to 64 letters, digits, '_', '.' or '-'");
      return null;
    }
    Identity identity = ctx.get(IDENTITY);
    if (identity != null && !identity.mayUse(room)) {
      error(ctx, 403, ErrorCode.FORBIDDEN, "your token does not allow room " + room);
      return null;
    }
    return room;
  }

  private void members(RoutingContext ctx) {
    String room = room(ctx);
    if (room == null) {
      return;
    }
    reply(ctx, bridge.ask(new BridgeRequest.Members(room))
        .map(list -> new JsonObject().put("room", room).put("users", new JsonArray(list.users()))));
  }

  private void history(RoutingContext ctx) {
    String room = room(ctx);
    if (room == null) {
      return;
    }
    int limit = FrameParser.DEFAULT_HISTORY_LIMIT;
    String limitParam = ctx.request().getParam("limit");
    if (limitParam != null) {
      if (!limitParam.matches("\\d{1,3}") || Integer.parseInt(limitParam) < 1
          || Integer.parseInt(limitParam) > FrameParser.MAX_HISTORY_LIMIT) {
        error(ctx, 400, ErrorCode.BAD_REQUEST, "limit must be an integer from 1 to 100");
        return;
      }
      limit = Integer.parseInt(limitParam);
    }
    String beforeParam = ctx.request().getParam("before");
    MessageId before = beforeParam == null ? null : MessageId.parse(beforeParam);
    if (beforeParam != null && before == null) {
      error(ctx, 400, ErrorCode.BAD_REQUEST, "before must be a message id");
      return;
    }
    reply(ctx, bridge.ask(new BridgeRequest.History(room, before, limit)).map(page -> {
      JsonArray list = new JsonArray();
      for (StoredMessage m : page.messages()) {
        list.add(new JsonObject().put("id", m.id()).put("user", m.user()).put("text", m.text()).put("ts", m.ts()));
      }
      return new JsonObject().put("room", room).put("messages", list);
    }));
  }

  /** {@code GET /api/webhooks/dead?limit=N}: the dead webhook events, oldest first (at most 1000, default 100). */
  private void deadWebhooks(RoutingContext ctx) {
    Integer limit = webhookLimit(ctx);
    if (limit != null) {
      reply(ctx, bridge.ask(new BridgeRequest.DeadWebhooks(limit))
          .map(list -> new JsonObject().put("events", new JsonArray(list.events()))));
    }
  }

  /** {@code POST /api/webhooks/dead/replay?limit=N}: puts dead events back in their rooms' queues, oldest first. */
  private void replayWebhooks(RoutingContext ctx) {
    Integer limit = webhookLimit(ctx);
    if (limit != null) {
      reply(ctx, bridge.ask(new BridgeRequest.ReplayWebhooks(limit))
          .map(n -> new JsonObject().put("replayed", n.count())));
    }
  }

  private static Integer webhookLimit(RoutingContext ctx) {
    String param = ctx.request().getParam("limit");
    if (param == null) {
      return 100;
    }
    if (!param.matches("\\d{1,4}") || Integer.parseInt(param) < 1 || Integer.parseInt(param) > 1000) {
      error(ctx, 400, ErrorCode.BAD_REQUEST, "limit must be an integer from 1 to 1000");
      return null;
    }
    return Integer.parseInt(param);
  }

  private void reply(RoutingContext ctx, Future<JsonObject> result) {
    result.onComplete(ar -> {
      if (ar.succeeded()) {
        json(ctx, 200, ar.result());
      } else {
        refused(ctx, ar.cause());
      }
    });
  }

  private void refused(RoutingContext ctx, Throwable cause) {
    Refusal r = BridgeClient.refusal(cause);
    int status = switch (r.code()) {
      case UNAVAILABLE -> 503;
      case INTERNAL -> 500;
      case RATE_LIMITED -> 429;
      case FORBIDDEN -> 403;
      default -> 400;
    };
    error(ctx, status, r.code(), r.message());
  }

  private void failure(RoutingContext ctx) {
    int status = ctx.statusCode();
    if (status == 413) {
      error(ctx, 413, ErrorCode.BAD_REQUEST, "the body is larger than " + settings.get().maxFrameBytes() + " bytes");
    } else if (status >= 400 && status < 500 || !ctx.request().isEnded()) {
      // a failure while the request was still being read is the request's own: malformed chunks, bad lengths
      error(ctx, status >= 400 && status < 500 ? status : 400, ErrorCode.BAD_REQUEST, "malformed request");
    } else {
      LOG.error("HTTP API request failed", ctx.failure());
      error(ctx, 500, ErrorCode.INTERNAL, Refusal.internal().message());
    }
  }

  private static void error(RoutingContext ctx, int status, ErrorCode code, String message) {
    json(ctx, status, new JsonObject().put("code", code.wire()).put("message", message));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end(body.toBuffer());
    }
  }
}
