package io.roomcast.gateway.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.roomcast.protocol.TextFrame;
import io.roomcast.support.Await;
import io.roomcast.support.Processes;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.ext.web.Router;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On Netty's native epoll transport (the server's default on Linux) an upgraded connection's writer sends directly on
 * the socket ({@link SendNow}), and frames sent that way, through Netty and by Vert.x itself arrive whole and in order.
 * Fails when a Netty upgrade changes what the direct send relies on, so it is looked at again.
 */
class SendNowIT {
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));

  @AfterEach
  void close() {
    Await.result(vertx.close());
  }

  /** A router that upgrades /ws, tells whether the writer sends directly, and then lets {@code writes} write. */
  private Router upgrading(Promise<Boolean> direct, BiConsumer<ServerWebSocket, WireSocket> writes) {
    Router router = Router.router(vertx);
    router.get("/ws").handler(ctx -> {
      Channel channel = WireSocket.channelOf(ctx.request());
      ctx.request().toWebSocket().onSuccess(ws -> {
        WireSocket out = WireSocket.of(channel, ws);
        direct.complete(out instanceof SendNow);
        writes.accept(ws, out);
      });
    });
    return router;
  }

  @Test
  @DisplayName("an upgraded connection on epoll sends a batch's only frame directly, and every frame arrives in order")
  void sendsDirectly() {
    assertThat(vertx.isNativeTransportEnabled()).as("epoll loads on this machine").isTrue();
    Promise<Boolean> direct = Promise.promise();
    Router router = upgrading(direct, (ws, out) -> {
      out.write(TextFrame.pooled(Buffer.buffer("1"), out.alloc()));   // alone in its batch: sent directly
      out.flush();
      ws.writeTextMessage("2");                                          // Vert.x's own write
      out.write(TextFrame.shared(Buffer.buffer("3")).duplicate());       // held ...
      ws.writeTextMessage("4");                                          // ... and handed over before this one
      out.flush();
      out.write(TextFrame.shared(Buffer.buffer("5")).duplicate());       // two in one batch: through Netty
      out.write(TextFrame.pooled(Buffer.buffer("6"), out.alloc()));
      out.flush();
      out.write(TextFrame.shared(Buffer.buffer("7".repeat(300_000))).duplicate());   // more than the socket takes
      out.flush();
      out.write(TextFrame.pooled(Buffer.buffer("8"), out.alloc()));
      out.flush();
    });
    HttpServer server = Await.result(vertx.createHttpServer(new HttpServerOptions().setPort(0).setHost("127.0.0.1")
        .setMaxWebSocketFrameSize(1_000_000).setSendBufferSize(8192)).requestHandler(router).listen());
    WebSocketClient client = vertx.createWebSocketClient(
        new io.vertx.core.http.WebSocketClientOptions().setMaxFrameSize(1_000_000).setMaxMessageSize(1_000_000));
    List<String> got = new ArrayList<>();
    Promise<Void> all = Promise.promise();
    Await.result(client.webSocket().textMessageHandler(t -> {
      got.add(t.length() > 10 ? t.charAt(0) + "x" + t.length() : t);
      if (got.size() == 8) {
        all.tryComplete();
      }
    }).connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.actualPort()).setURI("/ws")));
    assertThat(Await.result(direct.future())).as("sends directly on epoll").isTrue();
    Await.result(all.future());
    assertThat(got).containsExactly("1", "2", "3", "4", "5", "6", "7x300000", "8");
  }

  @Test
  @DisplayName("a connection with TLS keeps Netty's write path (a direct send would skip the encryption)")
  void notWithTls(@TempDir Path dir) {
    // a self-signed key pair from the JDK's keytool (Vert.x's SelfSignedCertificate is deprecated for removal)
    Path store = dir.resolve("test.p12");
    String keytool = Processes.run(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "test", "-keyalg", "EC", "-dname", "CN=127.0.0.1", "-validity", "1",
        "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "secret", "-keypass", "secret"));
    assertThat(store).as(keytool).exists();
    Promise<Boolean> direct = Promise.promise();
    Router router = upgrading(direct, (ws, out) -> {
      out.write(TextFrame.pooled(Buffer.buffer("over tls"), out.alloc()));
      out.flush();
    });
    HttpServer server = Await.result(vertx.createHttpServer(new HttpServerOptions().setPort(0).setHost("127.0.0.1")
        .setSsl(true).setKeyCertOptions(new PfxOptions().setPath(store.toString()).setPassword("secret")))
        .requestHandler(router).listen());
    WebSocketClient client = vertx.createWebSocketClient(new io.vertx.core.http.WebSocketClientOptions().setSsl(true)
        .setTrustAll(true).setVerifyHost(false));
    Promise<String> got = Promise.promise();
    Await.result(client.webSocket().textMessageHandler(got::tryComplete)
        .connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.actualPort()).setURI("/ws")));
    assertThat(Await.result(direct.future())).as("sends directly").isFalse();
    assertThat(Await.result(got.future())).isEqualTo("over tls");
  }
}
