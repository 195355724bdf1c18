package io.roomcast.http;

import io.roomcast.bus.BridgeClient;
import io.roomcast.ops.NodeState;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/** Serves the operations routes on the management port, when the node has one ({@code managementPort} set). */
public final class ManagementVerticle extends VerticleBase {
  private final String host;
  private final int bridgeTimeoutMs;
  private final NodeState state;
  private final String registryName;
  private final int port;
  private HttpServer server;

  /** @param port the port to bind: the configured one, or the free port chosen for 0 */
  public ManagementVerticle(String host, int bridgeTimeoutMs, NodeState state, String registryName, int port) {
    this.host = host;
    this.bridgeTimeoutMs = bridgeTimeoutMs;
    this.state = state;
    this.registryName = registryName;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    OpsRoutes.mount(router, state, new BridgeClient(vertx, bridgeTimeoutMs), registryName);
    OpsRoutes.jsonRefusals(router);
    server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port)
        .setHttp2ClearTextEnabled(false)).requestHandler(router);
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    return server.close();
  }
}
