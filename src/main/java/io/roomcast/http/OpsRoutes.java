package io.roomcast.http;

import io.roomcast.bus.BridgeClient;
import io.roomcast.bus.BridgeRequest;
import io.roomcast.ops.NodeState;
import io.roomcast.protocol.ErrorCode;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;

/**
 * The operations routes: {@code /health/live}, {@code /health/ready} and {@code /metrics}. They are served on the main
 * port, or on a management port of their own ({@code managementPort}), which keeps them off the public Ingress.
 */
public final class OpsRoutes {
  private OpsRoutes() {}

  public static void mount(Router router, NodeState state, BridgeClient bridge, String registryName) {
    router.get("/health/live").handler(ctx -> health(ctx, true));
    router.get("/health/ready").handler(ctx -> {
      if (state.draining()) {
        health(ctx, false);
        return;
      }
      bridge.ask(new BridgeRequest.Ping())
          .onComplete(ar -> health(ctx, ar.succeeded() && ar.result().ready()));
    });
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registryName));
  }

  /** Every refusal the router itself makes (unknown path, bad method, malformed request) is JSON too. */
  public static void jsonRefusals(Router router) {
    for (int status : new int[] {400, 404, 405, 413, 414, 431}) {
      router.errorHandler(status, ctx -> ctx.response().setStatusCode(status)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end(new JsonObject().put("code", ErrorCode.BAD_REQUEST.wire())
              .put("message", status == 404 ? "not found" : "bad request").toBuffer()));
    }
  }

  private static void health(RoutingContext ctx, boolean up) {
    ctx.response().setStatusCode(up ? 200 : 503).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(up ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}");
  }
}
