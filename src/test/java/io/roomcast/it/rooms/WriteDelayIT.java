package io.roomcast.it.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.support.Http;
import io.roomcast.support.NodeTest;
import io.roomcast.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code writeDelayMs}: what a connection gets within the delay goes out to it in one write, in order; the setting is
 * live; and frames still waiting when the server closes a connection reach the client before the close.
 */
class WriteDelayIT extends NodeTest {
  /** The largest delay allowed: the three messages below are posted well within it. */
  private static final String DELAY = "1000";

  @TempDir Path dir;

  /** Posts a message to {@code room} through the HTTP API (no socket of its own); returns its id. */
  private String post(String room, String text) {
    HttpResponse<String> r = Http.post(node.port(), "/api/rooms/" + room + "/messages",
        new JsonObject().put("text", text).put("user", "bot").encode(), Map.of());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return new JsonObject(r.body()).getString("id");
  }

  private double flushes() {
    return node.metric("roomcast_socket_flushes_total");
  }

  @Test
  @DisplayName("raised while running, the delay sends the events a connection gets within it in one write, in order")
  void batchesLive() throws IOException {
    Path file = startWithConfigFile(dir, "{\"writeDelayMs\": 0}");
    try (WsClient ann = WsClient.connect(client, node.port(), "ann")) {
      ann.join("batch");
      rewrite(file, "{\"writeDelayMs\": " + DELAY + "}");
      awaitReloads(1);
      ann.drain();   // nothing is still on its way to ann

      double before = flushes();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        ids.add(post("batch", "m" + i));
      }
      List<String> got = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        got.add(ann.event("message").getString("id"));
      }
      assertThat(got).containsExactlyElementsOf(ids);
      assertThat(flushes() - before).as("socket flushes for ann's three events").isEqualTo(1.0);
    }
  }

  @Test
  @DisplayName("events waiting out the delay reach the client before the server closes its connection")
  void closeSendsWhatWaits() throws IOException {
    startWithConfigFile(dir, "{\"writeDelayMs\": " + DELAY + ", \"maxFrameBytes\": 2048}");
    try (WsClient bob = WsClient.connect(client, node.port(), "bob")) {
      bob.join("closing");
      bob.drain();
      String id = post("closing", "last words");
      bob.sendText("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(4096) + "\"}");   // too large: closed with 1009
      assertThat(bob.awaitClose()).isEqualTo((short) 1009);
      assertThat(bob.drainClosed()).filteredOn(f -> "message".equals(f.getString("type")))
          .extracting(f -> f.getString("id")).containsExactly(id);
    }
  }
}
