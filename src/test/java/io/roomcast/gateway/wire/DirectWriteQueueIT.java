package io.roomcast.gateway.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.roomcast.support.Await;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The workaround for Vert.x's per-connection write queue (docs/upstream): an upgraded connection gets the direct
 * queue, and still writes. Fails when a Vert.x upgrade changes what it relies on, so it is looked at again (maybe
 * removed, once the upstream fix is released).
 */
class DirectWriteQueueIT {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    Await.result(vertx.close());
  }

  @Test
  @DisplayName("an upgraded WebSocket connection gets the direct write queue and its writes still arrive")
  void swapsTheQueue() {
    Promise<Boolean> installed = Promise.promise();
    Router router = Router.router(vertx);
    router.get("/ws").handler(ctx -> {
      Channel channel = WireSocket.channelOf(ctx.request());
      ctx.request().toWebSocket().onSuccess(ws -> {
        WireSocket out = WireSocket.of(channel, ws);
        installed.complete(DirectWriteQueue.installed(channel));
        ws.writeTextMessage("{\"type\":\"through-vertx\"}");
        out.write(io.roomcast.protocol.TextFrame.pooled(io.vertx.core.buffer.Buffer.buffer("{\"type\":\"direct\"}"),
            out.alloc()));
        out.flush();
      });
    });
    HttpServer server = Await.result(vertx.createHttpServer(new HttpServerOptions().setPort(0).setHost("127.0.0.1")
        .setStrictThreadMode(true)).requestHandler(router).listen());
    WebSocketClient client = vertx.createWebSocketClient();
    StringBuilder got = new StringBuilder();
    Promise<Void> both = Promise.promise();
    // the handler is in place before the upgrade: the server writes at once, and a frame that arrived before a
    // handler was set would be dropped
    Await.result(client.webSocket().textMessageHandler(t -> {
      got.append(t);
      if (got.toString().contains("direct") && got.toString().contains("through-vertx")) {
        both.tryComplete();
      }
    }).connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.actualPort()).setURI("/ws")));
    assertThat(Await.result(installed.future())).as("direct write queue installed").isTrue();
    Await.result(both.future());
  }
}
