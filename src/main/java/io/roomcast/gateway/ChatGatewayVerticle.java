package io.roomcast.gateway;

import io.roomcast.bus.Addresses;
import io.roomcast.bus.BridgeReply;
import io.roomcast.bus.BridgeRequest;
import io.roomcast.bus.Drain;
import io.roomcast.bus.RoomEvent;
import io.roomcast.config.ChatConfig;
import io.roomcast.ops.Metrics;
import io.roomcast.ops.NodeState;
import io.roomcast.protocol.CloseCode;
import io.roomcast.protocol.ErrorCode;
import io.roomcast.protocol.FrameParser;
import io.roomcast.protocol.Names;
import io.roomcast.protocol.ServerFrames;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP and WebSocket gateway: one instance per event loop, each owning its own sessions. It serves {@code /ws},
 * the health and metrics routes and the web page, and reaches rooms only through the bridge contract on the bus.
 */
public final class ChatGatewayVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ChatGatewayVerticle.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

  private final ChatConfig config;
  private final Metrics metrics;
  private final NodeState state;
  private final String registryName;
  private final FrameParser parser;
  private final Set<Session> sessions = new LinkedHashSet<>();
  private RoomRegistry registry;
  private BridgeClient bridge;
  private MessageConsumer<RoomEvent> announcements;
  private MessageConsumer<Drain> drain;
  private HttpServer server;

  private final int port;

  /** @param port the port to bind: the config's, or the free port chosen for it when that is 0 */
  public ChatGatewayVerticle(ChatConfig config, Metrics metrics, NodeState state, String registryName, int port) {
    this.config = config;
    this.state = state;
    this.port = port;
    this.metrics = metrics;
    this.registryName = registryName;
    this.parser = new FrameParser(config.maxTextLength());
  }

  @Override
  public Future<?> start() {
    registry = new RoomRegistry(vertx, metrics);
    bridge = new BridgeClient(vertx.eventBus(), config.bridgeTimeoutMs());
    announcements = vertx.eventBus().localConsumer(Addresses.ROOMS, m -> {
      for (Session s : sessions) {
        try {
          s.write(m.body());
        } catch (RuntimeException e) {
          LOG.debug("session {}: announcement not written: {}", s.id(), e.toString());
        }
      }
    });

    drain = vertx.eventBus().localConsumer(Addresses.DRAIN, m -> drain(m.body().windowMs()));

    Router router = Router.router(vertx);
    router.get("/ws").handler(this::upgrade);
    router.get("/health/live").handler(ctx -> health(ctx, true));
    router.get("/health/ready").handler(this::ready);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registryName));
    router.get("/*").handler(StaticHandler.create("webroot").setCachingEnabled(false));

    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.host())
        .setPort(port)
        // a hard limit above the protocol's: frames up to it are read whole and answered with a clean 1009 close by
        // MessageAssembler; a frame beyond it is dropped by Netty with the TCP connection (the client sees 1006)
        .setMaxWebSocketFrameSize(hardFrameLimit(config))
        .setMaxWebSocketMessageSize(hardFrameLimit(config))
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false);
    server = vertx.createHttpServer(options).requestHandler(router);
    return Future.all(announcements.completion(), drain.completion(), server.listen());
  }

  @Override
  public Future<?> stop() {
    return server.close();
  }

  /** The frame size beyond which Netty drops the connection instead of the session closing it with 1009. */
  public static int hardFrameLimit(ChatConfig config) {
    return config.maxFrameBytes() * 4;
  }

  private void upgrade(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    if (state.draining()) {
      refuseUpgrade(ctx, 503, ErrorCode.UNAVAILABLE, "this node is shutting down: connect to another");
      return;
    }
    String user = req.getParam("user");
    if (user == null) {
      user = "guest-" + random(6);
    } else if (!Names.isValidUser(user)) {
      refuseUpgrade(ctx, 400, ErrorCode.BAD_REQUEST, "user must be 1 to 32 letters, digits, '_', '.' or '-'");
      return;
    }
    if (!"websocket".equalsIgnoreCase(req.getHeader(HttpHeaders.UPGRADE))) {
      refuseUpgrade(ctx, 400, ErrorCode.BAD_REQUEST, "this endpoint expects a WebSocket upgrade");
      return;
    }
    String name = user;
    req.toWebSocket().onSuccess(ws -> {
      Session session = new Session(ws, this, name, random(12));
      sessions.add(session);
      metrics.connectionOpened();
      LOG.debug("session {} opened for {}", session.id(), name);
      session.start();
    }).onFailure(err -> LOG.debug("upgrade failed: {}", err.toString()));
  }

  private static void refuseUpgrade(RoutingContext ctx, int status, ErrorCode code, String message) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(ServerFrames.error(code, message, null));
  }

  /** Closes this instance's connections with 1012, spread evenly over the window to spare the other nodes a storm. */
  private void drain(long windowMs) {
    List<Session> open = new ArrayList<>(sessions);
    for (int i = 0; i < open.size(); i++) {
      Session s = open.get(i);
      long delay = Math.max(1, windowMs * i / open.size());
      vertx.setTimer(delay, t -> s.close(CloseCode.SERVICE_RESTART));
    }
  }

  private void ready(RoutingContext ctx) {
    if (state.draining()) {
      health(ctx, false);
      return;
    }
    bridge.<BridgeReply.Status>ask(new BridgeRequest.Ping())
        .onComplete(ar -> health(ctx, ar.succeeded() && ar.result().ready()));
  }

  private static void health(RoutingContext ctx, boolean up) {
    ctx.response().setStatusCode(up ? 200 : 503).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(up ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}");
  }

  void sessionClosed(Session session) {
    if (sessions.remove(session)) {
      metrics.connectionClosed();
      LOG.debug("session {} closed", session.id());
    }
  }

  ChatConfig settings() {
    return config;
  }

  FrameParser parser() {
    return parser;
  }

  RoomRegistry registry() {
    return registry;
  }

  BridgeClient bridge() {
    return bridge;
  }

  Metrics metrics() {
    return metrics;
  }

  private static String random(int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }
}
