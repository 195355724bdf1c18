package io.roomcast.gateway;

import io.roomcast.bus.BridgeReply;
import io.roomcast.bus.BridgeRequest;
import io.roomcast.ops.NodeState;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;

/**
 * The operations routes: {@code /health/live}, {@code /health/ready} and {@code /metrics}. They are served on the main
 * port, or on a management port of their own ({@code managementPort}), which keeps them off the public Ingress.
 */
final class OpsRoutes {
  private OpsRoutes() {}

  static void mount(Router router, NodeState state, BridgeClient bridge, String registryName) {
    router.get("/health/live").handler(ctx -> health(ctx, true));
    router.get("/health/ready").handler(ctx -> {
      if (state.draining()) {
        health(ctx, false);
        return;
      }
      bridge.<BridgeReply.Status>ask(new BridgeRequest.Ping())
          .onComplete(ar -> health(ctx, ar.succeeded() && ar.result().ready()));
    });
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registryName));
  }

  private static void health(RoutingContext ctx, boolean up) {
    ctx.response().setStatusCode(up ? 200 : 503).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(up ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}");
  }
}
