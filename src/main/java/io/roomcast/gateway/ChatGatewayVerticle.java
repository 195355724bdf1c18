package io.roomcast.gateway;

import io.roomcast.bus.Addresses;
import io.roomcast.bus.BridgeClient;
import io.roomcast.bus.BridgeRequest;
import io.roomcast.bus.ConfigUpdate;
import io.roomcast.bus.Drain;
import io.roomcast.bus.RoomEvent;
import io.roomcast.config.AddressRange;
import io.roomcast.config.GatewaySettings;
import io.roomcast.config.SessionLimits;
import io.roomcast.gateway.auth.Authenticator;
import io.roomcast.gateway.auth.ClientAddress;
import io.roomcast.gateway.auth.Identity;
import io.roomcast.gateway.wire.WireSocket;
import io.roomcast.hooks.HookClient;
import io.roomcast.hooks.Hooks;
import io.roomcast.http.HttpApi;
import io.roomcast.http.OpsRoutes;
import io.roomcast.ops.Metrics;
import io.roomcast.ops.Metrics.Refusal;
import io.roomcast.ops.NodeState;
import io.roomcast.ops.ThrottledLog;
import io.roomcast.protocol.CloseCode;
import io.roomcast.protocol.ErrorCode;
import io.roomcast.protocol.FrameParser;
import io.roomcast.protocol.ServerFrames;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP and WebSocket gateway: one instance per event loop, each owning its own sessions. It serves {@code /ws},
 * the health and metrics routes and the web page, and reaches rooms only through the bridge contract on the bus.
 */
public final class ChatGatewayVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ChatGatewayVerticle.class);
  /** Refused upgrades: a client can cause them at will, so at most one line a second (for all instances). */
  private static final ThrottledLog REFUSALS = new ThrottledLog(LOG, 1000);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

  /** Replaced when live settings change; read afresh by every check. */
  private volatile GatewaySettings config;
  /** The connections' part of {@link #config} (sessions read it on every write). */
  private volatile SessionLimits limits;
  private final Metrics metrics;
  private final NodeState state;
  private final String registryName;
  private FrameParser parser;
  private final Set<Session> sessions = new LinkedHashSet<>();
  private FlushBatch batch;
  private SessionServices services;
  private BridgeClient bridge;
  private MessageConsumer<RoomEvent> announcements;
  private MessageConsumer<Drain> drain;
  private HttpServer server;
  private Authenticator authenticator;
  private final Hooks hooks;
  private HookClient hookClient;
  private long pingTimer;
  private long delayProbe;
  /** How often each event loop checks how late it runs its tasks. */
  private static final long DELAY_PROBE_MS = 500;

  private final int port;
  private final List<AddressRange> trustedProxies;
  /** The trusted proxies set {@code Forwarded} (RFC 7239), not {@code X-Forwarded-For}. */
  private final boolean rfc7239Forwarded;

  /** @param port the port to bind: the config's, or the free port chosen for it when that is 0 */
  public ChatGatewayVerticle(GatewaySettings config, Metrics metrics, NodeState state, String registryName,
      int port, Hooks hooks) {
    this.hooks = hooks;
    this.config = config;
    this.limits = config.session();
    this.state = state;
    this.port = port;
    this.metrics = metrics;
    this.registryName = registryName;
    this.parser = new FrameParser(limits.maxTextLength());
    this.trustedProxies = config.trustedProxies().stream().map(AddressRange::parse).toList();
    this.rfc7239Forwarded = config.forwardedHeader().equals("forwarded");
  }

  @Override
  public Future<?> start() {
    bridge = new BridgeClient(vertx, config.bridgeTimeoutMs());
    authenticator = Authenticator.create(vertx, config.auth());
    batch = new FlushBatch(vertx, context, metrics, () -> config.writeDelayMs());
    hookClient = new HookClient(vertx, hooks);
    services = new SessionServices(vertx, () -> limits, () -> parser, metrics, bridge,
        new RoomRegistry(vertx, metrics), authenticator.jwtMode(), this::sessionClosed, hookClient,
        () -> config.hooks());
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
    vertx.eventBus().<ConfigUpdate>localConsumer(Addresses.CONFIG, m -> {
      config = m.body().config().gatewaySettings();
      limits = config.session();
      parser = new FrameParser(limits.maxTextLength());
      // rate and queue limits apply to the connections already open, not only to new ones
      for (Session s : sessions) {
        s.applyLimits(limits);
      }
    });

    pingTimer = vertx.setPeriodic(config.pingIntervalSeconds() * 1000L, t -> heartbeat());
    delayProbe = vertx.setTimer(DELAY_PROBE_MS, t -> probeDelay(System.nanoTime() + DELAY_PROBE_MS * 1_000_000L));

    Router router = Router.router(vertx);
    router.route().handler(ChatGatewayVerticle::refuseBodiesOnReads);
    router.get("/ws").handler(this::upgrade);
    new HttpApi(() -> limits, authenticator, bridge, state, metrics, this::clientAddress).mount(router);
    if (!config.separateManagementPort()) {
      OpsRoutes.mount(router, state, bridge, registryName);
    }
    router.route("/*").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(ctx -> {
      // the page may load only its own scripts and styles, talk only to its own server, and never be framed
      ctx.response().headers()
          .set("Content-Security-Policy", "default-src 'self'; connect-src 'self' ws: wss:; object-src 'none'; "
              + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
          .set("X-Content-Type-Options", "nosniff")
          .set("Referrer-Policy", "no-referrer");
      ctx.next();
    });
    router.route("/*").method(HttpMethod.GET).method(HttpMethod.HEAD)
        .handler(StaticHandler.create("webroot").setCachingEnabled(false));
    OpsRoutes.jsonRefusals(router);

    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.host())
        .setPort(port)
        // a hard limit above the protocol's: frames up to it are read whole and answered with a clean 1009 close by
        // MessageAssembler; a frame beyond it is dropped by Netty with the TCP connection (the client sees 1006)
        .setMaxWebSocketFrameSize(config.hardFrameLimit())
        .setMaxWebSocketMessageSize(config.hardFrameLimit())
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        .setHttp2ClearTextEnabled(false)
        // every write comes from the connection's own event loop: no multi-producer write queue per connection
        .setStrictThreadMode(true)
        // a connection that neither sends nor receives anything for this long is closed: a half-sent request
        // (slowloris) included. Open WebSockets are pinged more often, and dead ones closed by Session.heartbeat
        .setIdleTimeout(config.idleTimeoutSeconds())
        .setIdleTimeoutUnit(TimeUnit.SECONDS);
    server = vertx.createHttpServer(options).requestHandler(router);
    return Future.all(announcements.completion(), drain.completion(), server.listen());
  }

  /** Measures how late this event loop runs a timer that was due {@code dueNanos}, then schedules the next one. */
  private void probeDelay(long dueNanos) {
    long now = System.nanoTime();
    metrics.eventLoopDelay(now - dueNanos);
    delayProbe = vertx.setTimer(DELAY_PROBE_MS, t -> probeDelay(now + DELAY_PROBE_MS * 1_000_000L));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(pingTimer);
    vertx.cancelTimer(delayProbe);
    return server.close();
  }

  /**
   * The WebSocket upgrade, with the checks that must pass before a socket exists: not draining, the upgrade rates
   * (the node's and the client address's; counted before anything else, so refused upgrades count too), an allowed
   * Origin (when an allow-list is set; a request without Origin is a non-browser client and passes), the client
   * address's connections, the identity (anonymous name or JWT), and the user's connections across all nodes. A
   * refusal is a plain HTTP status with a JSON error body.
   */
  private void upgrade(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    if (state.draining()) {
      refuseUpgrade(ctx, Refusal.DRAINING, 503, ErrorCode.UNAVAILABLE, "this node is shutting down: connect to another");
      return;
    }
    // a plain GET with check=1 runs the same checks without upgrading: a browser cannot read why an upgrade was
    // refused, so the web client asks this way after a failed attempt (docs/protocol.md, "Connecting")
    boolean upgrading = "websocket".equalsIgnoreCase(req.getHeader(HttpHeaders.UPGRADE));
    boolean check = !upgrading && "1".equals(req.getParam("check"));
    if (!check && !upgrading) {
      refuseUpgrade(ctx, Refusal.NOT_WEBSOCKET, 400, ErrorCode.BAD_REQUEST, "this endpoint expects a WebSocket upgrade");
      return;
    }
    String ip = clientAddress(req);
    if (!state.takeUpgrade(ip)) {
      REFUSALS.info("upgrades refused: too many connection attempts (from {})", ip);
      refuseUpgrade(ctx, Refusal.UPGRADE_RATE, 429, ErrorCode.RATE_LIMITED, "too many connection attempts: retry later");
      return;
    }
    String origin = req.getHeader(HttpHeaders.ORIGIN);
    if (!config.allowedOrigins().isEmpty() && origin != null && !config.allowedOrigins().contains(origin)) {
      REFUSALS.info("upgrade refused: origin {} is not allowed (from {})", ThrottledLog.clip(origin), ip);
      refuseUpgrade(ctx, Refusal.ORIGIN, 403, ErrorCode.FORBIDDEN, "origin not allowed");
      return;
    }
    if (!state.acquireIp(ip, config.maxConnectionsPerIp())) {
      REFUSALS.info("upgrade refused: {} holds {} connections", ip, config.maxConnectionsPerIp());
      refuseUpgrade(ctx, Refusal.ADDRESS_CONNECTIONS, 429, ErrorCode.RATE_LIMITED, "too many connections from this address");
      return;
    }
    if (check) {
      state.releaseIp(ip);
      authenticator.identify(req).compose(identity -> connectHook(identity, ip)).onComplete(ar -> {
        if (ar.succeeded()) {
          ctx.response().setStatusCode(204).end();
        } else {
          refuseFor(ctx, ip, ar.cause());
        }
      });
      return;
    }
    // async checks follow: the request must be paused, or toWebSocket() fails once they complete
    req.pause();
    io.netty.channel.Channel channel = WireSocket.channelOf(req);
    authenticator.identify(req).compose(identity -> connectHook(identity, ip)).compose(identity ->
            bridge.ask(new BridgeRequest.Connect(identity.user(), config.maxConnectionsPerUser()))
                .map(admitted -> admitted.admitted() ? identity : null))
        .onComplete(ar -> {
          if (ar.failed() || ar.result() == null) {
            state.releaseIp(ip);
            if (ar.succeeded()) {
              refuseUpgrade(ctx, Refusal.USER_CONNECTIONS, 429, ErrorCode.RATE_LIMITED, "this user holds too many connections");
            } else {
              refuseFor(ctx, ip, ar.cause());
            }
            return;
          }
          Identity identity = ar.result();
          Future<ServerWebSocket> upgraded;
          try {
            upgraded = req.toWebSocket();
          } catch (RuntimeException e) {
            upgraded = Future.failedFuture(e);
          }
          upgraded.onSuccess(ws -> {
            SessionOutput output = new SessionOutput(ws, WireSocket.of(channel, ws), batch);
            Session session = new Session(ws, output, services, identity, random(12), ip);
            sessions.add(session);
            metrics.connectionOpened();
            LOG.debug("session {} opened for {}", session.id(), identity.user());
            session.start();
          }).onFailure(err -> {
            LOG.debug("upgrade failed: {}", err.toString());
            state.releaseIp(ip);
            bridge.tell(new BridgeRequest.Disconnect(identity.user()));
          });
        });
  }

  /** The {@code connect} hook refused (403, with the backend's reason) or failed under {@code closed} (503). */
  private static final class HookRefused extends RuntimeException {
    final int status;

    HookRefused(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  /** Asks the {@code connect} hook, when one is set, whether {@code identity} may connect from {@code ip}. */
  private Future<Identity> connectHook(Identity identity, String ip) {
    var hook = config.hooks().connect();
    if (!hook.enabled()) {
      return Future.succeededFuture(identity);
    }
    io.vertx.core.json.JsonObject body = new io.vertx.core.json.JsonObject().put("user", identity.user())
        .put("address", ip).put("node", config.hooks().node());
    if (identity.claims() != null) {
      body.put("claims", identity.claims());
    }
    return hookClient.call(hook, body).compose(verdict -> {
      if (verdict instanceof HookClient.Verdict.Allow) {
        return Future.succeededFuture(identity);
      } else if (verdict instanceof HookClient.Verdict.Refuse r) {
        return Future.failedFuture(new HookRefused(403, r.reason()));
      }
      return Future.failedFuture(new HookRefused(503, "the application's connect check did not answer: retry later"));
    });
  }

  /** Answers a failed identity check, connect hook or broker call: the same refusal for an upgrade and a check. */
  private void refuseFor(RoutingContext ctx, String ip, Throwable cause) {
    if (cause instanceof HookRefused h) {
      REFUSALS.info("upgrade refused for {} by the connect hook", ip);
      refuseUpgrade(ctx, Refusal.HOOK, h.status, h.status == 403 ? ErrorCode.FORBIDDEN : ErrorCode.UNAVAILABLE,
          h.getMessage());
    } else if (cause instanceof Authenticator.Refused r) {
      REFUSALS.info("upgrade refused for {}: {}", ip, r.getMessage());
      refuseUpgrade(ctx, Refusal.IDENTITY, r.status, r.status == 400 ? ErrorCode.BAD_REQUEST : ErrorCode.FORBIDDEN,
          r.getMessage());
    } else {
      refuseUpgrade(ctx, Refusal.BROKER, 503, ErrorCode.UNAVAILABLE, io.roomcast.bus.Refusal.unavailable().message());
    }
  }

  private void refuseUpgrade(RoutingContext ctx, Refusal reason, int status, ErrorCode code, String message) {
    metrics.upgradeRefused(reason);
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

  /**
   * GET and HEAD requests (the page, health, metrics) carry no body here; one that announces a body is refused at once
   * with a 400, before a malformed body (a broken chunk size, say) can fail the request mid-response.
   */
  private static void refuseBodiesOnReads(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    boolean hasBody = req.getHeader(HttpHeaders.TRANSFER_ENCODING) != null || (length != null && !length.equals("0"));
    if (hasBody && (req.method() == HttpMethod.GET || req.method() == HttpMethod.HEAD)) {
      ctx.response().setStatusCode(400).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .putHeader(HttpHeaders.CONNECTION, "close")
          .end(ServerFrames.error(ErrorCode.BAD_REQUEST, "GET and HEAD requests carry no body", null));
      return;
    }
    ctx.next();
  }

  private void sessionClosed(Session session) {
    if (sessions.remove(session)) {
      metrics.connectionClosed();
      state.releaseIp(session.ip());
      bridge.tell(new BridgeRequest.Disconnect(session.user()));
      LOG.debug("session {} closed", session.id());
    }
  }

  /** Pings every connection; one that sent nothing (not even a pong) for the idle timeout is closed. */
  private void heartbeat() {
    long now = System.nanoTime();
    long idleNanos = config.idleTimeoutSeconds() * 1_000_000_000L;
    for (Session s : new ArrayList<>(sessions)) {
      s.heartbeat(now, idleNanos);
    }
  }

  /** The address of the client behind {@code req}, as the per-address limits count it ({@link ClientAddress}). */
  private String clientAddress(HttpServerRequest req) {
    return ClientAddress.of(req, trustedProxies, rfc7239Forwarded);
  }

  private static String random(int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }
}
