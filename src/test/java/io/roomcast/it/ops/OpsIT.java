package io.roomcast.it.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.support.Await;
import io.roomcast.support.Http;
import io.roomcast.support.NodeTest;
import io.roomcast.support.TestNode;
import io.roomcast.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Health, readiness, metrics and the web page, as an operator and a browser see them. */
class OpsIT extends NodeTest {
  @BeforeEach
  void startNode() {
    node = TestNode.start(Map.of("CHAT_BRIDGE_TIMEOUT_MS", "500"));
  }

  @Test
  @DisplayName("liveness and readiness answer 200 while the broker is up")
  void health() {
    HttpResponse<String> live = Http.get(node.port(), "/health/live");
    assertThat(live.statusCode()).isEqualTo(200);
    HttpResponse<String> ready = Http.get(node.port(), "/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(ready.body()).getString("status")).isEqualTo("UP");
  }

  @Test
  @DisplayName("/metrics counts connections, joined rooms, messages in and out, and errors by code")
  void metrics() {
    HttpResponse<String> scrape = Http.get(node.port(), "/metrics");
    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
    assertThat(scrape.body()).contains("roomcast_connections", "roomcast_room_joins", "roomcast_messages_in_total",
        "roomcast_messages_out_total", "roomcast_errors_total{code=\"not_joined\"}", "vertx_http_server");

    try (WsClient ann = WsClient.connect(client, node.port(), "ann");
        WsClient bob = WsClient.connect(client, node.port(), "bob")) {
      Await.until("2 connections", Duration.ofSeconds(5), () -> node.metric("roomcast_connections") == 2.0);
      ann.join("m");
      bob.join("m");
      assertThat(node.metric("roomcast_room_joins")).isEqualTo(2.0);
      assertThat(node.metric("roomcast_local_rooms")).isEqualTo(1.0);
      ann.say("m", "one");
      bob.event("message");
      Await.until("messages counted", Duration.ofSeconds(5), () -> node.metric("roomcast_messages_in_total") == 1.0
          && node.metric("roomcast_messages_out_total") == 2.0);
      assertThat(node.metric("roomcast_delivery_latency_seconds_count")).as("delivery latency measured")
          .isGreaterThanOrEqualTo(1.0);
      ann.expect("error", new JsonObject().put("type", "send").put("room", "elsewhere").put("text", "x"));
      assertThat(node.metric("roomcast_errors_total{code=\"not_joined\"}")).isEqualTo(1.0);
    }
    Await.until("connections closed", Duration.ofSeconds(5),
        () -> node.metric("roomcast_connections") == 0.0 && node.metric("roomcast_room_joins") == 0.0);
  }

  @Test
  @DisplayName("without a broker, readiness is 503 and requests get 'unavailable' while the socket stays open")
  void brokerDown() {
    try (WsClient ann = WsClient.connect(client, node.port(), "ann")) {
      ann.join("down");
      Await.result(node.vertx().undeploy(node.node().bridgeDeployment()));
      assertThat(Http.get(node.port(), "/health/ready").statusCode()).isEqualTo(503);
      assertThat(Http.get(node.port(), "/health/live").statusCode()).isEqualTo(200);
      JsonObject refused = ann.expect("error", new JsonObject().put("type", "send").put("room", "down").put("text", "x"));
      assertThat(refused.getString("code")).isEqualTo("unavailable");
      assertThat(ann.expect("error", new JsonObject().put("type", "join").put("room", "other")).getString("code"))
          .isEqualTo("unavailable");
      ann.expect("pong", new JsonObject().put("type", "ping"));
      assertThat(ann.isClosed()).isFalse();
    }
  }

  @Test
  @DisplayName("requests with invented HTTP methods do not grow /metrics: one OTHER label, whatever the method")
  void inventedMethodsAreOneLabel() {
    int before = Http.get(node.port(), "/metrics").body().length();
    for (int i = 0; i < 300; i++) {
      HttpResponse<String> refused = Http.send(node.port(), "X" + Integer.toString(i, 36).toUpperCase() + "Y", "/",
          null, Map.of());
      assertThat(refused.statusCode()).isBetween(400, 499);
    }
    String after = Http.get(node.port(), "/metrics").body();
    java.util.Set<String> methods = new java.util.TreeSet<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("method=\"([^\"]*)\"").matcher(after);
    while (m.find()) {
      methods.add(m.group(1));
    }
    assertThat(methods).contains("OTHER", "GET").allMatch(x -> x.matches("GET|HEAD|POST|PUT|DELETE|OPTIONS|PATCH|OTHER"));
    assertThat(after.length()).as("the scrape grew by a few series, not one per method").isLessThan(before + 20_000);
  }

  @Test
  @DisplayName("with a management port, health and metrics are served there and not on the public port")
  void managementPort() {
    try (TestNode separate = TestNode.start(Map.of("CHAT_MANAGEMENT_PORT", "0"))) {
      int ops = separate.node().managementPort();
      assertThat(ops).isNotEqualTo(separate.port());
      for (String path : new String[] {"/health/live", "/health/ready", "/metrics"}) {
        assertThat(Http.get(ops, path).statusCode()).as("%s on the management port", path).isEqualTo(200);
        assertThat(Http.get(separate.port(), path).statusCode()).as("%s on the public port", path).isEqualTo(404);
      }
      assertThat(Http.get(ops, "/").statusCode()).as("no page on the management port").isEqualTo(404);
      assertThat(Http.get(separate.port(), "/").statusCode()).isEqualTo(200);
      try (WsClient c = WsClient.connect(client, separate.port(), "ann")) {
        c.join("ops");
        assertThat(separate.metric("roomcast_room_joins")).isEqualTo(1.0);
      }
    }
  }

  @Test
  @DisplayName("the web page is served at / with its script and the controls' test hooks")
  void webPage() {
    HttpResponse<String> page = Http.get(node.port(), "/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("content-type").orElse("")).startsWith("text/html");
    for (String hook : new String[] {"name", "connect", "room-input", "join", "message-input", "send", "messages",
        "members", "status"}) {
      assertThat(page.body()).contains("data-testid=\"" + hook + "\"");
    }
    HttpResponse<String> script = Http.get(node.port(), "/app.js");
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.body()).contains("/ws").doesNotContain("innerHTML");
    HttpResponse<String> library = Http.get(node.port(), "/roomcast.js");
    assertThat(library.statusCode()).isEqualTo(200);
    assertThat(library.headers().firstValue("content-type").orElse("")).contains("javascript");
    assertThat(library.body()).contains("export class RoomcastClient");
  }
}
